using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using ThrottledFetch.Engine.Retry;
using ThrottledFetch.Engine.Session;
using ThrottledFetch.Engine.Text;

namespace ThrottledFetch.Engine.Http
{
    /// <summary>
    /// Sends one request, following redirects by hand: user headers and credentials go only to the origin
    /// the user named, HTTPS to HTTP is refused unless allowed, and a 303 (or a 301/302 after a POST, as
    /// browsers and Invoke-WebRequest do) goes on as a GET without the body.
    /// </summary>
    internal sealed class RequestSender
    {
        private readonly HttpClient client;
        private readonly SessionOptions options;
        private readonly AuthenticationHeaderValue? authorization;

        public RequestSender(HttpClient client, SessionOptions options)
        {
            this.client = client;
            this.options = options;
            authorization = HttpClientSetup.Authorization(options);
        }

        public async Task<SendResult> SendAsync(OutgoingRequest outgoing, CancellationToken token)
        {
            var origin = outgoing.Uri;
            var uri = origin;
            var method = outgoing.Method;
            var body = outgoing.Body;
            for (var redirects = 0; ; redirects++)
            {
                var request = new HttpRequestMessage(method, uri);

                // The content first: a Content-Type among the user's headers belongs to it.
                if (body != null)
                {
                    request.Content = new ByteArrayContent(body);
                }

                if (Origin.Same(uri, origin))
                {
                    // User headers and credentials go only to the origin the user named.
                    AddHeaders(request, options.Headers, replace: false);
                    AddHeaders(request, outgoing.Headers, replace: true);
                    if (authorization != null)
                    {
                        request.Headers.Authorization = authorization;
                    }
                }

                if (request.Content != null && outgoing.ContentType != null)
                {
                    // The item's own content type wins over one in the headers, as -ContentType does in Invoke-RestMethod.
                    request.Content.Headers.Remove("Content-Type");
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", outgoing.ContentType);
                }

                if (outgoing.AcceptEncoding != null && !request.Headers.Contains("Accept-Encoding"))
                {
                    request.Headers.TryAddWithoutValidation("Accept-Encoding", outgoing.AcceptEncoding);
                }

                request.Headers.Range = outgoing.Range;
                request.Headers.IfRange = outgoing.IfRange;
                var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                var location = response.Headers.Location;
                if (!IsRedirect(status) || location == null)
                {
                    return new SendResult(response);
                }

                var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                response.Dispose();
                if (uri.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp && !options.AllowInsecureRedirect)
                {
                    return new SendResult(AttemptOutcome.Failure(
                        new DownloadError(DownloadErrorKind.RedirectRefused, $"'{origin}' redirected from HTTPS to '{DisplayText.Clean(next)}' over plain HTTP; it was not followed."),
                        transient: false));
                }

                if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
                {
                    return new SendResult(AttemptOutcome.Failure(
                        new DownloadError(DownloadErrorKind.RedirectRefused, $"'{origin}' redirected to '{DisplayText.Clean(next)}', which is not HTTP or HTTPS."),
                        transient: false));
                }

                if (redirects >= options.MaximumRedirection)
                {
                    return new SendResult(AttemptOutcome.Failure(
                        new DownloadError(DownloadErrorKind.HttpStatus, $"'{origin}' redirected more than {options.MaximumRedirection} times.", null, status),
                        transient: false));
                }

                if (status == 303 || ((status == 301 || status == 302) && method == HttpMethod.Post))
                {
                    method = HttpMethod.Get;
                    body = null;
                }

                uri = next;
            }
        }

        /// <param name="replace">This request's own headers win over the session's of the same name (not both sent).</param>
        private static void AddHeaders(HttpRequestMessage request, System.Collections.Generic.IDictionary<string, string>? headers, bool replace)
        {
            if (headers == null)
            {
                return;
            }

            foreach (var header in headers)
            {
                if (replace)
                {
                    request.Headers.Remove(header.Key);
                }

                // Content headers (Content-Type of a body) belong to the content, not the request.
                if (!request.Headers.TryAddWithoutValidation(header.Key, header.Value) && request.Content != null)
                {
                    request.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }
        }

        private static bool IsRedirect(int status) =>
            status == 301 || status == 302 || status == 303 || status == 307 || status == 308;

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
