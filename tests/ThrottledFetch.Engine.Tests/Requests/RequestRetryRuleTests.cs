using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Requests
{
    /// <summary>
    /// Which failed calls are repeated, by method, against the real server: a POST or PATCH only where the
    /// request surely did not reach the server, any idempotent method on every transient failure.
    /// </summary>
    public sealed class RequestRetryRuleTests : IAsyncLifetime
    {
        private LoopbackServer server = null!;

        public async Task InitializeAsync() => this.server = await LoopbackServer.StartAsync();

        public async Task DisposeAsync() => await this.server.DisposeAsync();

        [Theory]
        [InlineData("POST", "?code=503")]
        [InlineData("PATCH", "?code=500")]
        [InlineData("PURGE", "?code=503")]
        [InlineData("POST", "?code=429")]
        public void NotIdempotent_FailingAfterItWasSent_IsNotRepeated(string method, string query)
        {
            var session = RequestRunner.Session();

            var finished = RequestRunner.Run(session, new RequestOptions(), new RequestItem(this.server.Url("api-flaky/k/1" + query), method, new byte[] { 1 })).Single();

            Assert.Equal(RequestStatus.Failed, finished.Result!.Status);
            Assert.Equal(1, finished.Result.Attempts);
            Assert.Equal(1, this.server.CountRequests("/api-flaky/"));
            Assert.Equal(DownloadErrorKind.HttpStatus, finished.Error!.Kind);
        }

        [Theory]
        [InlineData("PUT", "?code=503")]
        [InlineData("DELETE", "?code=500")]
        [InlineData("GET", "?code=429")]
        public void Idempotent_IsRepeatedOnEveryTransientFailure(string method, string query)
        {
            var finished = RequestRunner.Run(RequestRunner.Session(), new RequestOptions(), new RequestItem(this.server.Url("api-flaky/k/2" + query), method)).Single();

            Assert.Equal(RequestStatus.Completed, finished.Result!.Status);
            Assert.Equal(3, finished.Result.Attempts);
        }

        [Theory]
        [InlineData("?code=503&retryAfter=0")]
        [InlineData("?code=429&retryAfter=0")]
        public void Post_RefusedWithRetryAfter_IsRepeated(string query)
        {
            var finished = RequestRunner.Run(RequestRunner.Session(), new RequestOptions(), RequestRunner.Post(this.server.Url("api-flaky/k/1" + query))).Single();

            Assert.Equal(RequestStatus.Completed, finished.Result!.Status);
            Assert.Equal(2, finished.Result.Attempts);
        }

        [Fact]
        public void Post_On500WithRetryAfter_IsNotRepeated()
        {
            // Only 429 and 503 say "refused, come back": a 500 may come after the work was done.
            var finished = RequestRunner.Run(RequestRunner.Session(), new RequestOptions(), RequestRunner.Post(this.server.Url("api-flaky/k/1?code=500&retryAfter=0"))).Single();

            Assert.Equal(1, finished.Result!.Attempts);
        }

        [Fact]
        public void Post_ToAPortThatRefusesConnections_IsRepeated()
        {
            var session = RequestRunner.Session();
            session.MaximumRetryCount = 2;

            var finished = RequestRunner.Run(session, new RequestOptions(), RequestRunner.Post(new Uri($"http://127.0.0.1:{ClosedPort()}/orders"))).Single();

            Assert.Equal(DownloadErrorKind.Connection, finished.Error!.Kind);
            Assert.Equal(3, finished.Result!.Attempts);
        }

        [Fact]
        public void Post_ThatTimesOutWaitingForTheAnswer_IsNotRepeated()
        {
            var session = RequestRunner.Session();
            // Long enough for the request to reach a busy server; the answer comes much later.
            session.OperationTimeout = TimeSpan.FromSeconds(3);

            var finished = RequestRunner.Run(session, new RequestOptions(), RequestRunner.Post(this.server.Url("echo/slow?delay=30000"))).Single();

            Assert.Equal(DownloadErrorKind.Timeout, finished.Error!.Kind);
            Assert.Equal(1, finished.Result!.Attempts);
            Assert.Equal(1, this.server.CountRequests("/echo/"));
        }

        [Fact]
        public void RetryNonIdempotent_RepeatsAPostOnEveryTransientFailure()
        {
            var options = new RequestOptions { RetryNonIdempotent = true };

            var finished = RequestRunner.Run(RequestRunner.Session(), options, RequestRunner.Post(this.server.Url("api-flaky/k/2?code=500"))).Single();

            Assert.Equal(RequestStatus.Completed, finished.Result!.Status);
            Assert.Equal(3, finished.Result.Attempts);
        }

        // A port that was just free: nothing listens there, so a connection is refused at once.
        private static int ClosedPort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
