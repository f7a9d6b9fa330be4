using System;
using System.Linq;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Batch
{
    /// <summary>
    /// -RequestsPerSecond as the server sees it. The token bucket refills by real time (it takes no
    /// TimeProvider), so this promise is timed for real. The server sees arrivals, which trail the starts
    /// by a new connection's set-up: the bounds leave a margin for that.
    /// </summary>
    public sealed class RateTests : IAsyncLifetime
    {
        private readonly TempFolder folder = new();
        private LoopbackServer server = null!;
        private LoopbackServer other = null!;

        public async Task InitializeAsync()
        {
            this.server = await WarmServer.StartAsync();
            this.other = await WarmServer.StartAsync();
        }

        public async Task DisposeAsync()
        {
            await this.server.DisposeAsync();
            await this.other.DisposeAsync();
            folder.Dispose();
        }

        [Fact]
        public void RequestsPerSecond_AnyOneSecondHoldsAtMostNPlusOneStartsToAHost()
        {
            var options = BatchRunner.Options(folder.Path);
            options.Limit = 8;
            options.RequestsPerSecond = 5;
            var requests = Enumerable.Range(0, 8).Select(i => new DownloadRequest(this.server.Url($"bytes/100/r{i}.bin")))
                .Concat(Enumerable.Range(0, 3).Select(i => new DownloadRequest(this.other.Url($"bytes/100/o{i}.bin"))))
                .ToArray();

            var outcome = BatchRunner.Run(options, requests);

            Assert.All(outcome.Results, r => Assert.Equal(DownloadStatus.Completed, r.Status));
            var starts = this.server.Requests.Select(r => r.ArrivedAt).OrderBy(t => t).ToList();
            Assert.Equal(8, starts.Count);
            // The bucket refills on its own ticks, so after the first start the rest follow 1/N s apart:
            // eight starts span at least six periods (1.2 s; the bound leaves room for arrival jitter).
            Assert.True(starts.Last() - starts.First() >= TimeSpan.FromSeconds(1.0), $"eight starts took only {(starts.Last() - starts.First()).TotalMilliseconds:0} ms");
            foreach (var first in starts)
            {
                var window = starts.Count(t => t >= first && t < first + TimeSpan.FromSeconds(0.9));
                Assert.True(window <= 6, $"{window} starts within 0.9 s; at most N+1 = 6 may fall in one second");
            }

            // The rate is per host: the other server's requests did not queue behind these, and are spaced too.
            var otherStarts = this.other.Requests.Select(r => r.ArrivedAt).OrderBy(t => t).ToList();
            Assert.Equal(3, otherStarts.Count);
            Assert.True(otherStarts.Last() - otherStarts.First() >= TimeSpan.FromMilliseconds(150), "the other host is not rate limited");
            Assert.True(otherStarts.First() - starts.First() < TimeSpan.FromMilliseconds(500), "the other host waited for this one");
        }
    }
}
