using System;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using ThrottledFetch.Engine.Http;
using ThrottledFetch.Engine.Retry;
using ThrottledFetch.Engine.Text;

namespace ThrottledFetch.Engine.Download
{
    /// <summary>
    /// One download attempt for one item: a GET (with Range/If-Range when its part can be continued, see
    /// <see cref="RequestSender"/>), then the body streamed into the item's part file. Expected failures
    /// come back as an <see cref="AttemptOutcome"/>; only cancellation of the batch throws.
    /// </summary>
    internal sealed class DownloadAttempt
    {
        private readonly DownloadOptions options;
        private readonly SessionOptions session;
        private readonly RequestSender sender;
        private readonly BodyCopy copy;

        public DownloadAttempt(HttpSession session, DownloadOptions options)
        {
            this.options = options;
            this.session = session.Options;
            sender = session.Sender;
            copy = new BodyCopy(options, session.Options.OperationTimeout);
        }

        public async Task<AttemptOutcome> RunAsync(ItemState item, CancellationToken cancellationToken)
        {
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stall.CancelAfter(session.OperationTimeout);
            HttpResponseMessage? response = null;
            try
            {
                while (true)
                {
                    var sent = await sender.SendAsync(Request(item, options), stall.Token).ConfigureAwait(false);
                    if (sent.Outcome != null)
                    {
                        return sent.Outcome;
                    }

                    response = sent.Response!;
                    if (!MustAskForWholeBody(item, response))
                    {
                        break;
                    }

                    // The part does not fit the server's body (longer, another version, or a 206 whose total
                    // is not the recorded one): ask once more, for the whole body, in this same attempt; the
                    // part is replaced only when it arrives.
                    response.Dispose();
                    response = null;
                    item.AcceptsRanges = false;
                }

                item.LastStatusCode = (int)response.StatusCode;
                if (!response.IsSuccessStatusCode)
                {
                    return await StatusFailureAsync(item, response, stall).ConfigureAwait(false);
                }

                return await ReceiveBodyAsync(item, response, stall).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                return ResponseFailure.Timeout(item, session, stall.IsCancellationRequested, e);
            }
            catch (HttpRequestException e)
            {
                return ResponseFailure.Connection(item, e);
            }
            catch (IOException e)
            {
                return ResponseFailure.Connection(item, e);
            }
            finally
            {
                response?.Dispose();
            }
        }

        // A GET with the batch's own headers; a part that may be continued asks for the rest, only if it is
        // still the same version.
        private static OutgoingRequest Request(ItemState item, DownloadOptions options)
        {
            var request = new OutgoingRequest(HttpMethod.Get, item.Request.Uri) { Headers = options.Headers };
            if (item.CanContinue)
            {
                request.Range = new RangeHeaderValue(item.Part.Length, null);

                // Parsed, not passed raw: a validator file is read from a folder others may write to.
                if (item.Validator?.IfRange is string ifRange && RangeConditionHeaderValue.TryParse(ifRange, out var condition))
                {
                    request.IfRange = condition;
                }
            }

            return request;
        }

        private async Task<AttemptOutcome> ReceiveBodyAsync(ItemState item, HttpResponseMessage response, CancellationTokenSource stall)
        {
            var part = item.Part;
            var partial = response.StatusCode == System.Net.HttpStatusCode.PartialContent;
            var range = response.Content.Headers.ContentRange;
            var coding = ContentCoding.Of(response);
            if (Undecodable(item, response, coding, partial) is AttemptOutcome refused)
            {
                return refused;
            }

            // Judged before the part is opened, so a file being continued is left as it was. An encoded
            // body's announced length is of the encoded bytes: it is judged as it is decoded instead.
            if (!coding.IsEncoded && SizeLimit.Announced(options, item, partial ? range?.Length : response.Content.Headers.ContentLength, (int)response.StatusCode) is AttemptOutcome tooLarge)
            {
                return tooLarge;
            }

            if (partial && (!item.CanContinue || range?.From != part.Length))
            {
                // Not the range we asked for: start over without one.
                item.AcceptsRanges = false;
                return AttemptOutcome.Failure(new DownloadError(DownloadErrorKind.IncompleteBody, $"'{item.Request.Uri}' answered a different byte range than asked.", null, (int)response.StatusCode), transient: true);
            }

            // The final name is known now (the server's, without an OutFile): claim it before any byte is kept.
            if (item.ClaimName(item, ContentDisposition.FileName(response)) is DownloadError collision)
            {
                return AttemptOutcome.Failure(collision, transient: false);
            }

            var total = partial ? range?.Length : response.Content.Headers.ContentLength;

            // A fresh body (nothing kept from an earlier attempt, no -Resume) is opened by its first bytes,
            // so that a whole small body can go to an unnamed file (see BodyCopy).
            var fresh = !partial && !options.Resume && !part.IsOpen && part.Length == 0;
            if (!fresh)
            {
                Store(part, p => p.EnsureOpen());
                if (partial && range?.From != part.Length)
                {
                    // The part changed while the item waited (closed): start over without a range.
                    item.AcceptsRanges = false;
                    return AttemptOutcome.Failure(new DownloadError(DownloadErrorKind.IncompleteBody, $"'{item.Request.Uri}' could not be continued: its part file changed.", null, (int)response.StatusCode), transient: true);
                }

                if (!partial && part.Length > 0)
                {
                    Store(part, p => p.Restart());
                    item.PartChanged = true;
                }
            }

            // Before the first body byte: what identifies this version, so that a part left behind (even by
            // a killed process) is continued only with this same version.
            item.AcceptsRanges = response.Headers.AcceptRanges.Contains("bytes") || partial;
            item.Validator = new ResumeValidator(Validator(response) ?? (partial ? item.Validator?.IfRange : null), total ?? (partial ? item.Validator?.TotalLength : null));
            item.ServerModified = response.Content.Headers.LastModified;
            if (options.Resume)
            {
                Store(part, p => ResumeValidator.Write(p.PartPath, item.Validator));
            }

            item.Progress.SetTotal(total ?? -1);
            item.Progress.SetReceived(part.Length);

            var failure = await copy.RunAsync(item, response, total, coding, stall).ConfigureAwait(false);
            return failure ?? AttemptOutcome.Success((int)response.StatusCode, null);
        }

        // A coding this build cannot decode fails the item (retrying brings the same body); a byte range of an
        // encoded body cannot be appended to decoded bytes, so the next attempt asks for the whole body.
        private static AttemptOutcome? Undecodable(ItemState item, HttpResponseMessage response, ContentCoding coding, bool partial)
        {
            if (coding.Unsupported != null)
            {
                return AttemptOutcome.Failure(
                    new DownloadError(DownloadErrorKind.ContentEncoding, $"'{item.Request.Uri}' was sent with Content-Encoding '{coding.Unsupported}', which cannot be decoded here; nothing was saved.", null, (int)response.StatusCode),
                    transient: false);
            }

            if (partial && coding.IsEncoded)
            {
                item.AcceptsRanges = false;
                return AttemptOutcome.Failure(
                    new DownloadError(DownloadErrorKind.IncompleteBody, $"'{item.Request.Uri}' answered a byte range of a {coding.Name}-encoded body, which cannot be continued; starting over.", null, (int)response.StatusCode),
                    transient: true);
            }

            return null;
        }

        private Task<AttemptOutcome> StatusFailureAsync(ItemState item, HttpResponseMessage response, CancellationTokenSource stall)
        {
            var status = (int)response.StatusCode;
            if (status == 416 && item.Part.Length > 0 && response.Content.Headers.ContentRange?.Length == item.Part.Length)
            {
                // The part file already holds the whole body.
                return Task.FromResult(AttemptOutcome.Success(status, null));
            }

            return ResponseFailure.StatusAsync(item, response, session, stall.Token);
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

        private static bool MustAskForWholeBody(ItemState item, HttpResponseMessage response)
        {
            if (!item.CanContinue)
            {
                return false;
            }

            var range = response.Content.Headers.ContentRange;
            switch ((int)response.StatusCode)
            {
                case 416:
                    return range?.Length != item.Part.Length;
                case 206:
                    return range?.From != item.Part.Length || !item.Validator!.Accepts(range?.Length);
                default:
                    return false;
            }
        }

        private static string? Validator(HttpResponseMessage response)
        {
            if (response.Headers.ETag is EntityTagHeaderValue etag && !etag.IsWeak)
            {
                return etag.ToString();
            }

            return response.Content.Headers.LastModified?.ToString("R");
        }
    }
}
