using System;
using System.Linq;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Batch
{
    /// <summary>
    /// The learned pace against a real rate limit: the loopback server's /limited token bucket answers 429 +
    /// Retry-After: 1 above its rate, as nginx limit_req does. Asserted: the list completes with the default
    /// retries and few refusals, and a host that never refuses is never paced. Nothing here is timed: speed
    /// is the benchmark's (../shared/bench, scenario ratelimited).
    /// </summary>
    public sealed class PaceTests : IAsyncLifetime
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

        private readonly TempFolder folder = new();
        private LoopbackServer server = null!;

        public async Task InitializeAsync() => this.server = await WarmServer.StartAsync();

        public async Task DisposeAsync()
        {
            await this.server.DisposeAsync();
            folder.Dispose();
        }

        [Fact]
        public void RateLimitedList_CompletesWithTheDefaultRetries_AndFewRefusals()
        {
            const int Count = 150;
            var options = BatchRunner.Options(folder.Path);
            options.Limit = 8;
            options.MaximumRetryCount = new SessionOptions().MaximumRetryCount;
            var requests = Enumerable.Range(0, Count)
                .Select(i => new DownloadRequest(this.server.Url($"limited/k/1000/f{i}.bin?rate=50&burst=5&seed={i}")))
                .ToArray();

            var outcome = BatchRunner.Run(options, requests, Timeout);

            Assert.Equal(Count, outcome.Results.Count(r => r.Status == DownloadStatus.Completed));
            for (var i = 0; i < Count; i += 37)
            {
                FileAssert.Exact(folder.File($"f{i}.bin"), 1000, i);
            }

            // The first Limit requests meet the burst at once; after that only the pace's probes are refused.
            // Without the pace, each pause ends with the whole queue firing and most of it refused again.
            Assert.True(this.server.RefusedForRate <= Count / 5, $"{this.server.RefusedForRate} of {this.server.TotalRequests} requests were refused");
            Assert.Equal(Count + this.server.RefusedForRate, this.server.TotalRequests);
            Assert.Contains(outcome.Verbose, v => v.StartsWith("Pacing requests to " + HostOf(this.server) + " at ", StringComparison.Ordinal));

            // Slow start ended at a refusal, and the cut was fitted to what the server's bucket took.
            Assert.Contains(outcome.Verbose, v => v.Contains("what it took since its pause fits a rate of ", StringComparison.Ordinal));
        }

        [Fact]
        public void HostThatNeverRefuses_IsNeverPaced()
        {
            var options = BatchRunner.Options(folder.Path);
            options.Limit = 8;
            using var runner = new BatchRunner(options);
            foreach (var i in Enumerable.Range(0, 200))
            {
                runner.Post(new DownloadRequest(this.server.Url($"bytes/100/b{i}.bin")));
            }

            var outcome = runner.Complete(Timeout);

            Assert.All(outcome.Results, r => Assert.Equal(DownloadStatus.Completed, r.Status));
            Assert.DoesNotContain(outcome.Verbose, v => v.StartsWith("Pacing", StringComparison.Ordinal));
            Assert.Null(runner.Batch.Session.Gate.RatePeriodOf(HostOf(this.server)));
            Assert.Empty(runner.Batch.PacedHosts);
        }

        [Fact]
        public void SharedSession_ALaterBatchStartsFromTheLearnedPace()
        {
            var options = BatchRunner.Options(folder.Path);
            options.Limit = 8;
            using var session = new HttpSession(options.Session);
            Run(session, options, "a", 60);
            var refusedFirst = this.server.RefusedForRate;
            Assert.True(refusedFirst > 0, "the first batch met no limit");
            var learned = session.Gate.PaceOf(HostOf(this.server));
            Assert.NotNull(learned);

            // The second batch does not start unpaced: its first requests are not refused as a burst.
            var outcome = Run(session, options, "b", 60);

            Assert.All(outcome.Results, r => Assert.Equal(DownloadStatus.Completed, r.Status));
            // (An unpaced start sends Limit requests at once into a bucket of 4.)
            Assert.True(this.server.RefusedForRate - refusedFirst <= 2, $"the second batch had {this.server.RefusedForRate - refusedFirst} refused");
        }

        private BatchOutcome Run(HttpSession session, BatchOptions options, string prefix, int count)
        {
            using var batch = new BatchRunner(session, options);
            foreach (var i in Enumerable.Range(0, count))
            {
                batch.Post(new DownloadRequest(this.server.Url($"limited/k/100/{prefix}{i}.bin?rate=40&burst=4")));
            }

            return batch.Complete(Timeout);
        }

        private static string HostOf(LoopbackServer server) => server.BaseUri.GetLeftPart(UriPartial.Authority);
    }
}
