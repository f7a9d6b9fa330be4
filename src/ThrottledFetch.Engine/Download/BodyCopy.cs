using System;
using System.Buffers;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ThrottledFetch.Engine.Download;
using ThrottledFetch.Engine.Http;
using ThrottledFetch.Engine.Retry;

namespace ThrottledFetch.Engine.Download
{
    /// <summary>
    /// Streams one response body into the item's part file (a fresh body's is opened by its first bytes)
    /// through one fixed buffer (decoding a Content-Encoding on the way), and says how it ended. A body that stops before its announced length is
    /// incomplete, whether the server closed the connection early or reset it; a connection that breaks
    /// before any body byte is a connection failure. A body that would pass the size limit is stopped
    /// before the chunk that passes it is written.
    /// </summary>
    internal sealed class BodyCopy
    {
        private readonly DownloadOptions options;
        private readonly TimeSpan stallTimeout;

        public BodyCopy(DownloadOptions options, TimeSpan stallTimeout)
        {
            this.options = options;
            this.stallTimeout = stallTimeout;
        }

        /// <param name="total">The length the part file has once the body is complete, when the server said it.</param>
        /// <returns>Null when the whole body is in the part file; otherwise why not.</returns>
        public async Task<AttemptOutcome?> RunAsync(ItemState item, HttpResponseMessage response, long? total, ContentCoding coding, CancellationTokenSource stall)
        {
            var part = item.Part;
            var status = (int)response.StatusCode;
            var announced = response.Content.Headers.ContentLength;
            if (coding.IsEncoded)
            {
                // Content-Length counts the encoded bytes: the file's length is known only at the end. Ranges
                // of an encoded body are ranges of the encoded bytes, so a retry starts over instead.
                total = null;
                item.AcceptsRanges = false;
                item.Progress.SetTotal(-1);
            }

            // A small body gets a small buffer: many 128 KiB rentals at once would drain the pool and
            // land new arrays on the large-object heap, zeroed page by page.
            var size = announced is long known && known < options.BufferSize && !coding.IsEncoded ? (int)Math.Max(known + 1, 4096) : options.BufferSize;
            var buffer = ArrayPool<byte>.Shared.Rent(size);
            long received = 0;
            CountingStream? wire = null;
            try
            {
                using var raw = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                if (coding.IsEncoded)
                {
                    wire = new CountingStream(raw);
                }

                using var body = wire != null ? coding.Decode(wire) : raw;

                // A fresh small body is gathered in the buffer while its bytes are already here (reads that
                // complete at once): whole, it needs no part name (PartialFile.OpenForBody). As soon as a read
                // has to wait, or fails, what came is written under the part name, so a slow body still shows
                // its progress and a broken one can be continued.
                var gather = !part.IsOpen && total is long small && small < buffer.Length;
                var kept = 0;
                var filled = 0;
                while (true)
                {
                    var reading = body.ReadAsync(buffer, filled, buffer.Length - filled, stall.Token);
                    AttemptOutcome? cut = null;
                    if (filled > kept && !reading.IsCompleted)
                    {
                        gather = false;
                        cut = Keep(item, buffer, kept, filled - kept, whole: false, status);
                        kept = filled;
                    }

                    int read;
                    try
                    {
                        read = await reading.ConfigureAwait(false);
                    }
                    catch
                    {
                        if (cut == null && filled > kept)
                        {
                            Keep(item, buffer, kept, filled - kept, whole: false, status);
                        }

                        throw;
                    }

                    if (cut != null)
                    {
                        return cut;
                    }

                    if (read <= 0)
                    {
                        break;
                    }

                    stall.CancelAfter(stallTimeout);
                    received += read;
                    filled += read;
                    if (gather && received < total)
                    {
                        continue;
                    }

                    gather = false;
                    if (Keep(item, buffer, kept, filled - kept, whole: received == total, status) is AttemptOutcome tooLarge)
                    {
                        return tooLarge;
                    }

                    kept = filled = 0;
                }

                // Ended short of what it announced: what came is kept (a retry may continue it).
                if (filled > kept && Keep(item, buffer, kept, filled - kept, whole: false, status) is AttemptOutcome ended)
                {
                    return ended;
                }

                if (wire != null)
                {
                    // A zlib or raw deflate decoder stops at its last block and may leave a checksum unread:
                    // take what little is left, so the encoded length can be checked below.
                    var drained = 0;
                    int read;
                    while (drained < buffer.Length && (read = await wire.ReadAsync(buffer, 0, buffer.Length, stall.Token).ConfigureAwait(false)) > 0)
                    {
                        drained += read;
                    }
                }
            }
            catch (Exception e) when ((e is IOException || e is HttpRequestException) && wire == null && received > 0 && total is long expected && part.Length < expected)
            {
                // The connection ended (FIN or reset) inside the body: the body is short, not the connection refused.
                return Incomplete(item, $"{part.Length} of {expected} bytes", status, e);
            }
            catch (Exception e) when ((e is IOException || e is HttpRequestException) && wire != null && wire.Count > 0 && announced is long expected && wire.Count < expected)
            {
                return Incomplete(item, $"{wire.Count} of {expected} {coding.Name}-encoded bytes", status, e);
            }
            catch (InvalidDataException e)
            {
                // Damaged on the way (a proxy, a cut) or by the server: worth another attempt, like a short body.
                return AttemptOutcome.Failure(
                    new DownloadError(DownloadErrorKind.ContentEncoding, $"'{item.Request.Uri}' sent a {coding.Name}-encoded body that cannot be decoded: {e.Message}", e, status),
                    transient: true);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            if (wire != null && announced is long encoded && wire.Count != encoded)
            {
                return Incomplete(item, $"{wire.Count} of {encoded} {coding.Name}-encoded bytes", status, null);
            }

            if (total is long length && part.Length != length)
            {
                return Incomplete(item, $"{part.Length} of {length} bytes", status, null);
            }

            return null;
        }

        // Writes what was read to the part (opening a fresh one), unless it would pass the size limit.
        private AttemptOutcome? Keep(ItemState item, byte[] buffer, int offset, int count, bool whole, int status)
        {
            var part = item.Part;
            if (SizeLimit.Passed(options, item, part.Length + count, status) is AttemptOutcome tooLarge)
            {
                // Nothing of a body too large is kept, not even for -Resume: it would only fail again.
                if (part.IsOpen)
                {
                    Store(part, p => p.Restart());
                }

                return tooLarge;
            }

            try
            {
                if (!part.IsOpen)
                {
                    part.OpenForBody(wholeBody: whole);
                }

                part.Write(buffer, offset, count);
                item.PartChanged = true;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new PartFileException(part.PartPath, e);
            }

            item.Progress.SetReceived(part.Length);
            return null;
        }

        // File errors are wrapped so that every IOException left over is the network's.
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

        private static AttemptOutcome Incomplete(ItemState item, string howMuch, int status, Exception? cause) =>
            AttemptOutcome.Failure(
                new DownloadError(DownloadErrorKind.IncompleteBody, $"'{item.Request.Uri}' ended after {howMuch}.", cause, status),
                transient: true);
    }
}
