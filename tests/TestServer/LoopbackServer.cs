using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// A real Kestrel HTTP/1.1 server on 127.0.0.1 that serves deterministic test content and
    /// misbehaves on request (slow, stalled, flaky, cut-off responses), while counting how many
    /// requests are in flight. Each StartAsync creates a new, independent server.
    /// </summary>
    public sealed class LoopbackServer : IAsyncDisposable
    {
        private readonly CancellationTokenSource stopping = new();
        private readonly ChangeSignal signal = new();
        private WebApplication? app;
        private int disposed;

        private LoopbackServer()
        {
            Counter = new InFlightCounter(signal);
            Log = new RequestLog(signal);
            BaseUri = new Uri("http://127.0.0.1/");
        }

        /// <summary>"http://127.0.0.1:PORT/".</summary>
        public Uri BaseUri { get; private set; }

        public int InFlight => Counter.InFlight;

        public int PeakInFlight => Counter.Peak;

        /// <summary>Requests to non-control endpoints since the last reset.</summary>
        public int TotalRequests => Counter.Total;

        /// <summary>A snapshot of the recorded requests in arrival order (control endpoints excluded).</summary>
        public IReadOnlyList<RecordedRequest> Requests => Log.Snapshot();

        internal InFlightCounter Counter { get; }

        internal RequestLog Log { get; }

        internal AttemptCounter Attempts { get; } = new();

        internal HoldGates Holds { get; } = new();

        internal RateLimits Limits { get; } = new();

        /// <summary>Requests /limited refused for their rate since the last reset.</summary>
        public int RefusedForRate => Limits.Refused;

        internal CancellationToken Stopping => stopping.Token;

        /// <summary>Starts a server on 127.0.0.1; port 0 picks a free port.</summary>
        public static Task<LoopbackServer> StartAsync(int port = 0) => StartAsync(port, null);

        /// <summary>The same server over HTTPS, with a self-signed certificate for 127.0.0.1 that no client trusts.</summary>
        public static Task<LoopbackServer> StartHttpsAsync() => StartAsync(0, SelfSignedCertificate.Create());

        private static async Task<LoopbackServer> StartAsync(int port, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
        {
            var server = new LoopbackServer();
            var app = ServerHost.Build(server, port, certificate);
            server.app = app;
            try
            {
                await app.StartAsync().ConfigureAwait(false);
                var addresses = app.Services.GetRequiredService<IServer>().Features
                    .GetRequiredFeature<IServerAddressesFeature>().Addresses;
                int boundPort = new Uri(addresses.First()).Port;
                var scheme = certificate == null ? "http" : "https";
                server.BaseUri = new Uri(scheme + "://127.0.0.1:" + boundPort.ToString(CultureInfo.InvariantCulture) + "/");
                return server;
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        /// <summary>BaseUri plus a relative path and query, e.g. Url("bytes/1000").</summary>
        public Uri Url(string pathAndQuery) => new(BaseUri, pathAndQuery);

        /// <summary>
        /// Zeroes the total, the recorded requests, the per-key attempt counters and the rate limits. The peak restarts
        /// from the requests still in flight (0 when idle); InFlight itself is not touched.
        /// </summary>
        public void ResetCounters()
        {
            Attempts.Clear();
            Limits.Clear();
            Log.Clear();
            Counter.Reset();
        }

        /// <summary>Recorded requests whose path starts with the prefix (e.g. "/bytes/").</summary>
        public int CountRequests(string pathPrefix) => Log.Count(pathPrefix);

        internal IReadOnlyList<RecordedRequest> RequestsWithPrefix(string pathPrefix) => Log.Snapshot(pathPrefix);

        /// <summary>Lets current and future /hold/{key}/... requests send the rest of their body.</summary>
        public void Release(string key) => Holds.Release(key);

        /// <summary>Completes once InFlight &gt;= atLeast; throws TimeoutException after the timeout.</summary>
        public Task WaitForInFlightAsync(int atLeast, TimeSpan timeout) =>
            signal.WaitUntilAsync(
                () => InFlight >= atLeast,
                timeout,
                () => $"expected at least {atLeast} requests in flight, have {InFlight}");

        /// <summary>Completes once CountRequests(pathPrefix) &gt;= atLeast; throws TimeoutException after the timeout.</summary>
        public Task WaitForRequestsAsync(string pathPrefix, int atLeast, TimeSpan timeout) =>
            signal.WaitUntilAsync(
                () => CountRequests(pathPrefix) >= atLeast,
                timeout,
                () => $"expected at least {atLeast} requests under '{pathPrefix}', have {CountRequests(pathPrefix)}");

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref this.disposed, 1) != 0)
            {
                return;
            }
            // Abort open requests first; otherwise a stalled or held request would make the
            // graceful stop wait for the whole shutdown timeout.
            stopping.Cancel();
            if (this.app != null)
            {
                try
                {
                    await this.app.StopAsync().ConfigureAwait(false);
                }
                finally
                {
                    await this.app.DisposeAsync().ConfigureAwait(false);
                }
            }
            // stopping is not disposed: late requests may still register on its token.
        }
    }
}
