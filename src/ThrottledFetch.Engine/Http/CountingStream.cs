using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace ThrottledFetch.Engine.Http
{
    /// <summary>Counts the bytes read from the wire under a decoder, so an encoded body's Content-Length can be checked.</summary>
    internal sealed class CountingStream : ReadOnlyStream
    {
        private readonly Stream inner;

        public CountingStream(Stream inner)
        {
            this.inner = inner;
        }

        public long Count { get; private set; }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            var read = await inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
            Count += read;
            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
