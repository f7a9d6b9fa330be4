using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ThrottledFetch.Engine.Batching;
using ThrottledFetch.Engine.Http;
using ThrottledFetch.Engine.Retry;
using ThrottledFetch.Engine.Text;

namespace ThrottledFetch.Engine.Requests
{
    /// <summary>
    /// One attempt of one API call: the request with its body and an Accept-Encoding for every coding this build
    /// decodes, then the whole answer read into memory within the size bound, under the stall timeout and the
    /// attempt's total timeout. An error status keeps the start of its body. Expected failures come back as an
    /// <see cref="AttemptOutcome"/>, made final where the method may not be repeated; only cancellation throws.
    /// </summary>
    internal sealed class RequestAttempt
    {
        /// <summary>Enough of an error body for a message and an API's error object, not a whole error page.</summary>
        internal const int ErrorBodyLimit = 64 * 1024;

        private readonly RequestOptions options;
        private readonly SessionOptions session;
        private readonly RequestSender sender;

        public RequestAttempt(HttpSession session, RequestOptions options)
        {
            this.options = options;
            this.session = session.Options;
            sender = session.Sender;
        }

        public async Task<AttemptOutcome> RunAsync(RequestState state, ItemRunner runner, CancellationToken cancellationToken)
        {
            state.Response = null;
            state.Progress.SetReceived(0);
            using var total = new CancellationTokenSource(options.TotalTimeout);
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, total.Token);
            stall.CancelAfter(session.OperationTimeout);
            HttpResponseMessage? response = null;
            try
            {
                var sent = await sender.SendAsync(Outgoing(state.Request), stall.Token).ConfigureAwait(false);
                if (sent.Outcome != null)
                {
                    return sent.Outcome;
                }

                response = sent.Response!;
                state.LastStatusCode = (int)response.StatusCode;
                return await ReceiveAsync(state, response, runner, stall).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                if (total.IsCancellationRequested)
                {
                    return Final(state, TotalTimeout(state), notSent: false, runner);
                }

                // Neither timer of ours fired: the handler's connect timeout, so the connection was never made.
                var connecting = !stall.IsCancellationRequested;
                return Final(state, ResponseFailure.Timeout(state, session, stall.IsCancellationRequested, e), notSent: connecting && response == null, runner);
            }
            catch (InvalidDataException e)
            {
                // Damaged on the way (a proxy, a cut) or by the server: worth another attempt, like a short body.
                var status = (int)response!.StatusCode;
                var failure = AttemptOutcome.Failure(
                    new DownloadError(DownloadErrorKind.ContentEncoding, $"'{state.Request.Uri}' sent a {ContentCoding.Of(response).Name}-encoded body that cannot be decoded: {DisplayText.Clean(e.Message)}", e, status),
                    transient: true);
                return Final(state, failure, notSent: false, runner);
            }
            catch (Exception e) when (e is HttpRequestException || e is IOException)
            {
                var failure = response != null && state.Progress.BytesReceived > 0
                    ? Incomplete(state, response, e)
                    : ResponseFailure.Connection(state, e);
                return Final(state, failure, notSent: response == null && RequestRetryRule.NeverConnected(e), runner);
            }
            finally
            {
                response?.Dispose();
            }
        }

        private OutgoingRequest Outgoing(RequestItem item) => new OutgoingRequest(new HttpMethod(item.Method), item.Uri)
        {
            Body = item.Body,
            ContentType = item.ContentType,
            AcceptEncoding = ContentCoding.Accepted,
            Headers = options.Headers,
        };

        private async Task<AttemptOutcome> ReceiveAsync(RequestState state, HttpResponseMessage response, ItemRunner runner, CancellationTokenSource stall)
        {
            var status = (int)response.StatusCode;
            var uri = state.Request.Uri;
            var coding = ContentCoding.Of(response);
            if (coding.Unsupported != null)
            {
                state.Response = ResponseSnapshot.Of(response, string.Empty, 0);
                return AttemptOutcome.Failure(
                    new DownloadError(DownloadErrorKind.ContentEncoding, $"'{uri}' answered {status} with Content-Encoding '{coding.Unsupported}', which cannot be decoded here.", null, status),
                    transient: false);
            }

            if (!response.IsSuccessStatusCode)
            {
                using var error = await BodyBuffer.ReadAsync(response, coding, Math.Min(ErrorBodyLimit, options.MaximumResponseSize), cut: true, state, runner, stall, session.OperationTimeout).ConfigureAwait(false);
                var text = error.Text(response.Content.Headers.ContentType?.ToString());
                state.Response = ResponseSnapshot.Of(response, text, error.Length);
                var outcome = ResponseFailure.Status(state, response, session, ErrorBody.Excerpt(text));
                return Final(state, outcome, RequestRetryRule.Refused(status, outcome.RetryAfter), runner);
            }

            if (state.Request.Method == "HEAD")
            {
                // A HEAD answer's Content-Length is of the body a GET would get: there is none to read or bound.
                state.Response = ResponseSnapshot.Of(response, string.Empty, 0);
                return AttemptOutcome.Success(status, null);
            }

            var announced = coding.IsEncoded ? null : response.Content.Headers.ContentLength;
            if (announced > options.MaximumResponseSize)
            {
                state.Response = ResponseSnapshot.Of(response, string.Empty, 0);
                return TooLarge(status, $"'{uri}' answered with {announced} bytes, more than the {options.MaximumResponseSize} bytes allowed; it was not read.");
            }

            using var body = await BodyBuffer.ReadAsync(response, coding, options.MaximumResponseSize, cut: false, state, runner, stall, session.OperationTimeout).ConfigureAwait(false);
            if (body.PassedLimit)
            {
                state.Response = ResponseSnapshot.Of(response, string.Empty, 0);
                return TooLarge(status, $"'{uri}' answered with more than the {options.MaximumResponseSize} bytes allowed (its length was not announced); reading stopped there.");
            }

            state.Response = ResponseSnapshot.Of(response, body.Text(response.Content.Headers.ContentType?.ToString()), body.Length);
            return AttemptOutcome.Success(status, null);
        }

        private AttemptOutcome Final(RequestState state, AttemptOutcome outcome, bool notSent, ItemRunner runner) =>
            RequestRetryRule.Apply(state.Request, options, outcome, notSent, runner.Verbose);

        private AttemptOutcome TotalTimeout(RequestState state)
        {
            var message = $"'{state.Request.Uri}' took longer than {options.TotalTimeout.TotalSeconds:0.#} s in all (attempt {state.Attempts}).";
            return AttemptOutcome.Failure(new DownloadError(DownloadErrorKind.Timeout, message, new TimeoutException(message), state.LastStatusCode), transient: true);
        }

        // Not retried: the server would send the same body again.
        private static AttemptOutcome TooLarge(int status, string message) =>
            AttemptOutcome.Failure(new DownloadError(DownloadErrorKind.TooLarge, message, null, status), transient: false);

        private static AttemptOutcome Incomplete(RequestState state, HttpResponseMessage response, Exception e)
        {
            var status = (int)response.StatusCode;
            var announced = response.Content.Headers.ContentLength;
            var howMuch = announced is long expected && !ContentCoding.Of(response).IsEncoded
                ? $"{state.Progress.BytesReceived} of {expected} bytes"
                : $"{state.Progress.BytesReceived} bytes";
            return AttemptOutcome.Failure(new DownloadError(DownloadErrorKind.IncompleteBody, $"'{state.Request.Uri}' ended after {howMuch}: {DisplayText.Clean(e.Message)}", e, status), transient: true);
        }
    }
}
