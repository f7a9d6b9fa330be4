using System;
using System.Threading;
using System.Threading.Tasks;
using ThrottledFetch.Engine.Batching;
using RequestEvent = ThrottledFetch.Engine.BatchEvent<ThrottledFetch.RequestResult>;

namespace ThrottledFetch.Engine.Requests
{
    /// <summary>
    /// The request handler: one API call per item, through the item runner (slots, retries, pauses), its answer
    /// kept as text within the size bound and handed to the caller in one result. Nothing of a call stays here
    /// once its result is queued.
    /// </summary>
    internal sealed class RequestHandler : IItemHandler<RequestItem, RequestResult>
    {
        private readonly SessionOptions session;
        private readonly RequestAttempt attempt;

        public RequestHandler(HttpSession session, RequestOptions options)
        {
            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            this.session = session.Options;
            attempt = new RequestAttempt(session, options);
        }

        public async Task<RequestEvent?> RunAsync(RequestItem request, ItemRunner runner, CancellationToken cancellationToken)
        {
            if (Http.UnencryptedAuthentication.IsRefused(session, request.Uri))
            {
                var refused = new DownloadError(DownloadErrorKind.AuthenticationRefused, $"Refusing to send credentials to '{request.Uri}' over unencrypted HTTP.");
                return RequestEvent.Finished(request, RequestResults.Of(request, RequestStatus.Failed, null, null, 0, TimeSpan.Zero, refused.Message), refused);
            }

            var state = new RequestState(request, new TransferProgress(request.Id, request.Uri, string.Empty));
            try
            {
                var outcome = await runner.RunAsync(state, (item, token) => attempt.RunAsync(item, runner, token), cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                var duration = state.FirstRequestAt is long first ? session.TimeProvider.GetElapsedTime(first) : TimeSpan.Zero;
                var error = outcome.Succeeded ? null : outcome.Error;
                var result = RequestResults.Of(
                    request,
                    error == null ? RequestStatus.Completed : RequestStatus.Failed,
                    error?.StatusCode ?? state.LastStatusCode,
                    state.Response,
                    state.Attempts,
                    duration,
                    error?.Message);
                return RequestEvent.Finished(request, result, error);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }

        public void Ended(RequestItem request, RequestResult? result)
        {
        }

        public RequestResult Unexpected(RequestItem request, DownloadError error) =>
            RequestResults.Of(request, RequestStatus.Failed, error.StatusCode, null, 0, TimeSpan.Zero, error.Message);
    }
}
