using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using ThrottledFetch.Engine.Retry;
using ThrottledFetch.Engine.Text;

namespace ThrottledFetch.Engine.Http
{
    /// <summary>
    /// Sends one GET, following redirects by hand: user headers and credentials go only to the origin the
    /// user named, HTTPS to HTTP is refused unless allowed, and a part file is continued with Range/If-Range.
    /// </summary>
    internal sealed class RequestSender
    {
        private readonly HttpClient client;
        private readonly DownloadOptions options;
        private readonly AuthenticationHeaderValue? authorization;

        public RequestSender(HttpClient client, DownloadOptions options)
        {
            this.client = client;
            this.options = options;
            authorization = HttpClientSetup.Authorization(options);
        }

        public async Task<SendResult> SendAsync(ItemState item, CancellationToken token)
        {
            var origin = item.Request.Uri;
            var uri = origin;
            for (var redirects = 0; ; redirects++)
            {
                var request = new HttpRequestMessage(HttpMethod.Get, uri);
                if (SameOrigin(uri, origin))
                {
                    // User headers and credentials go only to the origin the user named.
                    foreach (var header in options.Headers)
                    {
                        request.Headers.TryAddWithoutValidation(header.Key, header.Value);
                    }

                    if (authorization != null)
                    {
                        request.Headers.Authorization = authorization;
                    }
                }

                if (item.CanContinue)
                {
                    request.Headers.Range = new RangeHeaderValue(item.Part.Length, null);
                    // Parsed, not passed raw: a validator file is read from a folder others may write to.
                    if (item.Validator?.IfRange is string ifRange && RangeConditionHeaderValue.TryParse(ifRange, out var condition))
                    {
                        request.Headers.IfRange = condition;
                    }
                }

                var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                var location = response.Headers.Location;
                if (!IsRedirect((int)response.StatusCode) || location == null)
                {
                    return new SendResult(response);
                }

                var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                response.Dispose();
                if (uri.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp && !options.AllowInsecureRedirect)
                {
                    return new SendResult(AttemptOutcome.Failure(
                        new DownloadError(DownloadErrorKind.RedirectRefused, $"'{item.Request.Uri}' redirected from HTTPS to '{DisplayText.Clean(next)}' over plain HTTP; it was not followed."),
                        transient: false));
                }

                if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
                {
                    return new SendResult(AttemptOutcome.Failure(
                        new DownloadError(DownloadErrorKind.RedirectRefused, $"'{item.Request.Uri}' redirected to '{DisplayText.Clean(next)}', which is not HTTP or HTTPS."),
                        transient: false));
                }

                if (redirects >= options.MaximumRedirection)
                {
                    return new SendResult(AttemptOutcome.Failure(
                        new DownloadError(DownloadErrorKind.HttpStatus, $"'{item.Request.Uri}' redirected more than {options.MaximumRedirection} times.", null, (int)response.StatusCode),
                        transient: false));
                }

                uri = next;
            }
        }

        private static bool IsRedirect(int status) =>
            status == 301 || status == 302 || status == 303 || status == 307 || status == 308;

        private static bool SameOrigin(Uri a, Uri b) =>
            string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
            && a.Port == b.Port;

        internal readonly struct SendResult
        {
            public SendResult(HttpResponseMessage response)
            {
                Response = response;
                Outcome = null;
            }

            public SendResult(AttemptOutcome outcome)
            {
                Response = null;
                Outcome = outcome;
            }

            public HttpResponseMessage? Response { get; }

            public AttemptOutcome? Outcome { get; }
        }
    }
}
