using System;
using System.Buffers;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ThrottledFetch.Engine.Download;
using ThrottledFetch.Engine.Retry;

namespace ThrottledFetch.Engine.Http
{
    /// <summary>
    /// Streams one response body into the item's open part file through one fixed buffer, and says how it
    /// ended. A body that stops before its announced length is incomplete, whether the server closed the
    /// connection early or reset it; a connection that breaks before any body byte is a connection failure.
    /// A body that would pass the size limit is stopped before the chunk that passes it is written.
    /// </summary>
    internal sealed class BodyCopy
    {
        private readonly DownloadOptions options;
        private readonly Action<long> onBytes;

        public BodyCopy(DownloadOptions options, Action<long> onBytes)
        {
            this.options = options;
            this.onBytes = onBytes;
        }

        /// <param name="total">The length the part file has once the body is complete, when the server said it.</param>
        /// <returns>Null when the whole body is in the part file; otherwise why not.</returns>
        public async Task<AttemptOutcome?> RunAsync(ItemState item, HttpResponseMessage response, long? total, CancellationTokenSource stall)
        {
            var part = item.Part;
            var status = (int)response.StatusCode;

            // A small body gets a small buffer: many 128 KiB rentals at once would drain the pool and
            // land new arrays on the large-object heap, zeroed page by page.
            var announced = response.Content.Headers.ContentLength;
            var size = announced is long known && known < options.BufferSize ? (int)Math.Max(known + 1, 4096) : options.BufferSize;
            var buffer = ArrayPool<byte>.Shared.Rent(size);
            long received = 0;
            try
            {
                using var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                int read;
                while ((read = await body.ReadAsync(buffer, 0, buffer.Length, stall.Token).ConfigureAwait(false)) > 0)
                {
                    stall.CancelAfter(options.OperationTimeout);
                    received += read;
                    if (SizeLimit.Passed(options, item, part.Length + read, status) is AttemptOutcome tooLarge)
                    {
                        // Nothing of a body too large is kept, not even for -Resume: it would only fail again.
                        Store(part, p => p.Restart());
                        return tooLarge;
                    }

                    try
                    {
                        part.Write(buffer, read);
                        item.PartChanged = true;
                    }
                    catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                    {
                        throw new PartFileException(part.PartPath, e);
                    }

                    item.Progress.SetReceived(part.Length);
                    onBytes(read);
                }
            }
            catch (Exception e) when ((e is IOException || e is HttpRequestException) && received > 0 && total is long expected && part.Length < expected)
            {
                // The connection ended (FIN or reset) inside the body: the body is short, not the connection refused.
                return Incomplete(item, part.Length, expected, status, e);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            if (total is long length && part.Length != length)
            {
                return Incomplete(item, part.Length, length, status, null);
            }

            return null;
        }

        private static void Store(PartialFile part, Action<PartialFile> action)
        {
            try
            {
                action(part);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new PartFileException(part.PartPath, e);
            }
        }

        private static AttemptOutcome Incomplete(ItemState item, long got, long expected, int status, Exception? cause) =>
            AttemptOutcome.Failure(
                new DownloadError(DownloadErrorKind.IncompleteBody, $"'{item.Request.Uri}' ended after {got} of {expected} bytes.", cause, status),
                transient: true);
    }
}
