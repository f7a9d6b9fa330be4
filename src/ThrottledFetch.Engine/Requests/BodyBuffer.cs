using System;
using System.Buffers;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ThrottledFetch.Engine.Batching;
using ThrottledFetch.Engine.Http;

namespace ThrottledFetch.Engine.Requests
{
    /// <summary>
    /// Reads one response body into memory, decoding its Content-Encoding on the way, up to a bound on the decoded
    /// bytes, and turns it into text. The bytes live in a pooled buffer only until the text is made, so a call keeps
    /// its text and nothing else. A body past the bound is either cut there (an error body: its start is enough)
    /// or reported as too large, as soon as it passes, whatever its announced length.
    /// </summary>
    internal sealed class BodyBuffer : IDisposable
    {
        private const int FirstChunk = 16 * 1024;

        private byte[] buffer;
        private int length;

        private BodyBuffer(int capacity)
        {
            buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 1));
        }

        /// <summary>Bytes read (decoded).</summary>
        public int Length => length;

        /// <summary>More bytes came than the bound allows (never set when cutting): reading stopped there.</summary>
        public bool PassedLimit { get; private set; }

        /// <param name="cut">Keep the first <paramref name="limit"/> bytes of a longer body instead of stopping.</param>
        public static async Task<BodyBuffer> ReadAsync(HttpResponseMessage response, ContentCoding coding, long limit, bool cut, AttemptState item, ItemRunner runner, CancellationTokenSource stall, TimeSpan stallTimeout)
        {
            var bound = (int)Math.Min(limit, int.MaxValue - 64);
            var announced = coding.IsEncoded ? null : response.Content.Headers.ContentLength;
            item.Progress.SetTotal(announced ?? -1);
            var body = new BodyBuffer(announced is long known && known <= bound ? (int)known : Math.Min(bound, FirstChunk));
            try
            {
                using var raw = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                using var decoded = coding.IsEncoded ? coding.Decode(raw) : raw;
                await body.FillAsync(decoded, bound, cut, item, runner, stall, stallTimeout).ConfigureAwait(false);
                return body;
            }
            catch
            {
                body.Dispose();
                throw;
            }
        }

        /// <summary>The body as text: a byte-order mark first, then the charset of <paramref name="contentType"/>, else UTF-8.</summary>
        public string Text(string? contentType) => ResponseText.Decode(buffer, length, contentType);

        public void Dispose()
        {
            var rented = buffer;
            buffer = Array.Empty<byte>();
            if (rented.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        private async Task FillAsync(Stream body, int bound, bool cut, AttemptState item, ItemRunner runner, CancellationTokenSource stall, TimeSpan stallTimeout)
        {
            while (true)
            {
                // A rented array may be longer than asked for: the bound, not the array, ends the body.
                if (Room(bound) == 0 && !Grow(bound))
                {
                    // Full at the bound: one more byte means the body is larger than allowed.
                    var probe = new byte[1];
                    if (await body.ReadAsync(probe, 0, 1, stall.Token).ConfigureAwait(false) > 0)
                    {
                        PassedLimit = true;
                    }

                    return;
                }

                var read = await body.ReadAsync(buffer, length, Room(bound), stall.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                stall.CancelAfter(stallTimeout);
                length += read;
                item.Progress.SetReceived(length);
                if (cut && length >= bound)
                {
                    return;
                }
            }
        }

        private int Room(int bound) => Math.Min(buffer.Length, bound) - length;

        // Doubles the buffer up to the bound; false when it already holds the bound.
        private bool Grow(int bound)
        {
            if (buffer.Length >= bound)
            {
                return false;
            }

            var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, bound));
            Buffer.BlockCopy(buffer, 0, larger, 0, length);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
            return true;
        }
    }
}
