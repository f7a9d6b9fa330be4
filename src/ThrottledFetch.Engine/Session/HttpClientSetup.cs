using System;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using ThrottledFetch.Engine.Http;

namespace ThrottledFetch.Engine.Session
{
    /// <summary>Builds the one HttpClient a session uses, with its connection pool sized to the limit.</summary>
    internal static class HttpClientSetup
    {
        public static HttpClient Create(SessionOptions options)
        {
            // Callers check first and say which parameter; this keeps a header that splits the request off the wire whoever forgot.
            HeaderValues.ThrowIfInvalid(options);
            var connections = options.EffectivePerHostLimit;
            var client = new HttpClient(CreateHandler(options, connections), disposeHandler: true)
            {
                // Never a total timeout: a large, healthy download must not be cut. Stalls are caught per read.
                Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            };

            var agent = options.UserAgent ?? DefaultUserAgent;
            client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", agent);
            return client;
        }

        public static string DefaultUserAgent { get; } =
            "ThrottledFetch/" + typeof(HttpClientSetup).Assembly.GetName().Version?.ToString(3);

        private static HttpMessageHandler CreateHandler(SessionOptions options, int connections)
        {
#if NET8_0_OR_GREATER
            var handler = new SocketsHttpHandler
            {
                MaxConnectionsPerServer = connections,
                ConnectTimeout = options.ConnectionTimeout,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                UseCookies = options.Cookies != null,
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            };

            if (options.SkipCertificateCheck)
            {
                handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            }
#else
            // .NET Framework allows two connections per host unless lifted.
            if (ServicePointManager.DefaultConnectionLimit < connections)
            {
                ServicePointManager.DefaultConnectionLimit = connections;
            }

            var handler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                UseCookies = options.Cookies != null,
            };

            try
            {
                handler.MaxConnectionsPerServer = connections;
            }
            catch (PlatformNotSupportedException)
            {
            }

            if (options.SkipCertificateCheck)
            {
                handler.ServerCertificateCustomValidationCallback = (_, _, _, _) => true;
            }
#endif
            // Only a session made with cookies keeps them: an invocation's own session sends none but what
            // -Headers gives, as before sessions existed.
            if (options.Cookies != null)
            {
                handler.CookieContainer = options.Cookies;
            }

            if (options.NoProxy)
            {
                handler.UseProxy = false;
            }
            else if (options.Proxy != null)
            {
                handler.Proxy = new WebProxy(options.Proxy) { Credentials = options.ProxyCredential };
                handler.UseProxy = true;
            }

            return handler;
        }

        /// <summary>The Authorization header for the batch's credential or token, or null.</summary>
        public static AuthenticationHeaderValue? Authorization(SessionOptions options)
        {
            if (options.Token != null)
            {
                return new AuthenticationHeaderValue("Bearer", options.Token);
            }

            if (options.Credential != null)
            {
                var pair = options.Credential.UserName + ":" + options.Credential.Password;
                return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(pair)));
            }

            return null;
        }
    }
}
