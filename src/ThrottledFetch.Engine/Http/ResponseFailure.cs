using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ThrottledFetch.Engine.Batching;
using ThrottledFetch.Engine.Retry;
using ThrottledFetch.Engine.Text;

namespace ThrottledFetch.Engine.Http
{
    /// <summary>
    /// How an attempt failed, said the same way for every kind of item: an error status (with the start of
    /// the body and what Retry-After asked), a timeout, or a connection that broke. Server text is cleaned.
    /// </summary>
    internal static class ResponseFailure
    {
        public static async Task<AttemptOutcome> StatusAsync(AttemptState item, HttpResponseMessage response, SessionOptions options, CancellationToken token)
        {
            var snippet = await ErrorBody.ReadStartAsync(response, token).ConfigureAwait(false);
            return Status(item, response, options, snippet);
        }

        /// <summary>The same failure for a body the caller already read (and decoded): <paramref name="snippet"/> is its start, cleaned.</summary>
        public static AttemptOutcome Status(AttemptState item, HttpResponseMessage response, SessionOptions options, string snippet)
        {
            var status = (int)response.StatusCode;
            var uri = item.Item.Uri;
            var reason = string.IsNullOrEmpty(response.ReasonPhrase) ? string.Empty : " (" + DisplayText.Clean(response.ReasonPhrase) + ")";
            var message = $"'{uri}' answered {status}{reason}" + (snippet.Length > 0 ? ": " + snippet : ".");
            var retryAfter = RetryAfter.Read(response, options.TimeProvider.GetUtcNow());
            var transient = TransientStatus.IsTransient(status, retryAfter != null);
            if (transient && retryAfter > options.MaximumRetryAfter)
            {
                var asked = $"'{uri}' answered {status}{reason} and asked to retry after {retryAfter.Value.TotalSeconds:0} s, more than the {options.MaximumRetryAfter.TotalSeconds:0} s this command waits.";
                return AttemptOutcome.Failure(new DownloadError(DownloadErrorKind.RetryAfterTooLong, asked, null, status), transient: false);
            }

            return AttemptOutcome.Failure(new DownloadError(DownloadErrorKind.HttpStatus, message, null, status), transient, retryAfter);
        }

        /// <param name="stalled">The stall timer fired (no bytes for the operation timeout); else the connect timed out.</param>
        public static AttemptOutcome Timeout(AttemptState item, SessionOptions options, bool stalled, Exception e)
        {
            // The handler's connect timeout surfaces as a cancellation, with a TimeoutException inside.
            var uri = item.Item.Uri;
            var message = stalled
                ? $"No data from '{uri}' for {options.OperationTimeout.TotalSeconds:0.#} s (attempt {item.Attempts})."
                : $"Connecting to '{uri}' took longer than {options.ConnectionTimeout.TotalSeconds:0.#} s (attempt {item.Attempts}): {DisplayText.Clean(e.InnerException?.Message ?? e.Message)}";
            return AttemptOutcome.Failure(new DownloadError(DownloadErrorKind.Timeout, message, new TimeoutException(message), item.LastStatusCode), transient: true);
        }

        public static AttemptOutcome Connection(AttemptState item, Exception e)
        {
            // The HTTP stack quotes a response it cannot parse (a status line, a header) in its message.
            var cause = DisplayText.Clean(e.InnerException?.Message ?? e.Message);
            var message = $"'{item.Item.Uri}' failed: {cause}";
            return AttemptOutcome.Failure(new DownloadError(DownloadErrorKind.Connection, message, e, item.LastStatusCode), transient: true);
        }
    }
}
