using System;
using System.IO;
using System.IO.Compression;
using System.Threading;
using System.Threading.Tasks;

namespace ThrottledFetch.Engine.Http
{
    /// <summary>
    /// Decodes Content-Encoding: deflate. RFC 9110 means zlib data (RFC 1950: a two-byte header around raw
    /// deflate), but some servers send raw deflate (RFC 1951); the first two bytes tell them apart, as
    /// browsers, curl and .NET's own handler do. The zlib checksum at the end is not checked (the handler's
    /// framing and the item's length and hash checks stand guard).
    /// </summary>
    internal sealed class ZlibOrDeflateStream : ReadOnlyStream
    {
        private readonly Stream wire;
        private Stream? inflater;

        public ZlibOrDeflateStream(Stream wire)
        {
            this.wire = wire;
        }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            inflater ??= await StartAsync(cancellationToken).ConfigureAwait(false);
            return await inflater.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                (inflater ?? wire).Dispose();
            }

            base.Dispose(disposing);
        }

        private async Task<Stream> StartAsync(CancellationToken cancellationToken)
        {
            var head = new byte[2];
            var got = 0;
            int read;
            while (got < head.Length && (read = await wire.ReadAsync(head, got, head.Length - got, cancellationToken).ConfigureAwait(false)) > 0)
            {
                got += read;
            }

            // A zlib header: deflate (method 8) with a window of at most 32 KiB, no preset dictionary, and a
            // check value that makes the two bytes a multiple of 31.
            var zlib = got == 2 && (head[0] & 0x0F) == 8 && (head[0] >> 4) <= 7 && (head[1] & 0x20) == 0 && ((head[0] << 8) | head[1]) % 31 == 0;
            var source = zlib ? wire : new PrefixedStream(head, got, wire);
            return new DeflateStream(source, CompressionMode.Decompress, leaveOpen: false);
        }
    }
}
