using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace ThrottledFetch.Engine.Http
{
    /// <summary>A few bytes already read from a stream, put back in front of the rest of it.</summary>
    internal sealed class PrefixedStream : ReadOnlyStream
    {
        private readonly byte[] prefix;
        private readonly int length;
        private readonly Stream rest;
        private int offset;

        public PrefixedStream(byte[] prefix, int length, Stream rest)
        {
            this.prefix = prefix;
            this.length = length;
            this.rest = rest;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            if (this.offset < length && count > 0)
            {
                var n = Math.Min(count, length - this.offset);
                Buffer.BlockCopy(prefix, this.offset, buffer, offset, n);
                this.offset += n;
                return Task.FromResult(n);
            }

            return rest.ReadAsync(buffer, offset, count, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                rest.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
