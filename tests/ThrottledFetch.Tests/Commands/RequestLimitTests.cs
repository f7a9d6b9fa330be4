using System;
using System.Linq;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Tests.Commands
{
    /// <summary>Invoke-ThrottledRequest under the shared limits as the server sees them, and the retry rule for POST.</summary>
    public sealed class RequestLimitTests : IClassFixture<ModuleHost>
    {
        private readonly ModuleHost host;

        public RequestLimitTests(ModuleHost host)
        {
            this.host = host;
        }

        [Fact]
        public async Task Limit_TheServerSeesExactlyThatManyCallsInFlight()
        {
            await using var server = await LoopbackServer.StartAsync();
            var urls = Enumerable.Range(1, 24).Select(i => server.Url($"echo/call{i}?delay=80").ToString()).ToArray();

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledRequest -Method Post -Body 'x' -Limit 3", (object)urls);

            Assert.Empty(run.Errors);
            Assert.Equal(24, run.Output.Count);
            Assert.Equal(3, server.PeakInFlight);
        }

        [Fact]
        public async Task RequestsPerSecond_AnyOneSecondHoldsAtMostNPlusOneStarts()
        {
            await using var server = await LoopbackServer.StartAsync();
            var urls = Enumerable.Range(1, 8).Select(i => server.Url($"echo/rate{i}").ToString()).ToArray();

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledRequest -Limit 8 -RequestsPerSecond 5", (object)urls);

            Assert.Empty(run.Errors);
            var starts = server.Requests.Select(r => r.ArrivedAt).OrderBy(t => t).ToList();
            Assert.Equal(8, starts.Count);

            // Starts 1/N s apart: eight span at least seven periods (1.4 s; the bound leaves room for arrival jitter).
            Assert.True(starts.Last() - starts.First() >= TimeSpan.FromSeconds(1.0), $"eight starts took only {(starts.Last() - starts.First()).TotalMilliseconds:0} ms");
            foreach (var first in starts)
            {
                var window = starts.Count(t => t >= first && t < first + TimeSpan.FromSeconds(1));
                Assert.True(window <= 6, $"{window} starts within one second; at most N+1 = 6 may fall in one");
            }
        }

        [Fact]
        public async Task Post_IsNotRetriedOn503WithoutRetryAfter_AndTheErrorSaysHowToAllowIt()
        {
            await using var server = await LoopbackServer.StartAsync();

            var run = Run.Script(host, "Invoke-ThrottledRequest $args[0] -Method Post -Body 'order' -RetryIntervalSec 0", server.Url("api-flaky/order/1").ToString());

            Assert.Equal(1, server.CountRequests("/api-flaky/"));
            Assert.Empty(run.Output);
            var error = Assert.Single(run.Errors);
            Assert.StartsWith("RequestHttpStatus,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Contains("-RetryNonIdempotent", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("-Method Post", "?retryAfter=0")]
        [InlineData("-Method Patch", "?code=429&retryAfter=0")]
        [InlineData("-Method Post -RetryNonIdempotent", "")]
        [InlineData("-Method Get", "")]
        public async Task Call_IsRetried_WhenTheServerRefusedIt_OrTheMethodMayBeRepeated(string parameters, string query)
        {
            await using var server = await LoopbackServer.StartAsync();

            var run = Run.Script(host, $"Invoke-ThrottledRequest $args[0] {parameters} -RetryIntervalSec 0", server.Url("api-flaky/k/1" + query).ToString());

            Assert.Empty(run.Errors);
            Assert.Equal(2, server.CountRequests("/api-flaky/"));
            Assert.Equal(2L, Answer.Get(Assert.Single(run.Output), "attempt"));
        }

        [Fact]
        public async Task BodyAboveMaximumResponseSize_IsRequestResponseTooLarge_AnnouncedOrNot()
        {
            await using var server = await LoopbackServer.StartAsync();
            var urls = new[] { server.Url("bytes/20000/big?type=application/json").ToString(), server.Url("chunked/20000/unsized").ToString(), server.Url("bytes/10240/fits").ToString() };

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledRequest -MaximumResponseSize 10KB", (object)urls);

            Assert.Equal(2, run.Errors.Count);
            Assert.All(run.Errors, e => Assert.StartsWith("RequestResponseTooLarge,", e.FullyQualifiedErrorId, StringComparison.Ordinal));
            Assert.All(run.Errors, e => Assert.Contains("10240 bytes", e.Exception.Message, StringComparison.Ordinal));
            Assert.All(run.Errors, e => Assert.Contains("-MaximumResponseSize", e.ErrorDetails.RecommendedAction, StringComparison.Ordinal));
            // The body that fits is written (binary bytes as text, as Invoke-RestMethod writes them).
            Assert.IsType<string>(Assert.Single(run.Output).BaseObject);
            Assert.Equal(1, server.CountRequests("/chunked/"));
        }

        [Fact]
        public async Task TotalTimeout_EndsACallWhoseBodyKeepsComing()
        {
            // Bytes every 100 ms never stall, but the whole body would take 20 s.
            await using var server = await LoopbackServer.StartAsync();

            var run = Run.Script(host, "Invoke-ThrottledRequest $args[0] -TotalTimeoutSeconds 1 -MaximumRetryCount 0", server.Url("slow/200000?chunk=1000&interval=100").ToString());

            Assert.Empty(run.Output);
            var error = Assert.Single(run.Errors);
            Assert.StartsWith("RequestTimeout,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Contains("longer than 1 s in all", error.Exception.Message, StringComparison.Ordinal);
        }
    }
}
