using System;
using System.Linq;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Batch
{
    /// <summary>
    /// Retry-After as a host-wide pause, in real time (each wait is one or two seconds): no request to the
    /// paused host starts until the pause ends, other hosts go on, and a wait above the cap fails the item.
    /// Learning the host's pace is off: these tests are about the pause (PaceTests cover the pace after it).
    /// </summary>
    public sealed class RetryAfterTests : IAsyncLifetime
    {
        // Each pause is at most 2 s; a hang fails well before the default.
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(6);

        // Both clocks are the machine's; this only absorbs timestamp granularity.
        private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(50);

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

        [Theory]
        [InlineData(429, "seconds=1")]
        [InlineData(503, "seconds=1")]
        [InlineData(403, "seconds=1")] // a rate limit too (GitHub's secondary limits); a 403 without Retry-After is never retried
        [InlineData(429, "date=2")] // an HTTP date has whole seconds: 2 s ahead is at least 1 s after the answer
        public void RetryAfter_HoldsBackEveryRequestToThatHost_ButNotOtherHosts(int code, string wait)
        {
            var options = BatchRunner.Options(folder.Path);
            options.LearnRate = false;
            options.Limit = 3;
            options.MaximumRetryCount = 3;
            using var runner = new BatchRunner(options);
            var a = new DownloadRequest(this.server.Url($"retry-after/a/1/1000/a.bin?code={code}&{wait}&seed=1"));
            var b = new DownloadRequest(this.server.Url("bytes/1000/b.bin?seed=2"));
            var c = new DownloadRequest(this.server.Url("bytes/1000/c.bin?seed=3"));
            var d = new DownloadRequest(this.other.Url("bytes/1000/d.bin?seed=4"));

            runner.Post(a);
            runner.WaitUntil(() => runner.Verbose.Count > 0, Timeout, "the retry of the first item");
            runner.Post(b);
            runner.Post(c);
            runner.Post(d);
            var outcome = runner.Complete(Timeout);

            var aRequests = this.server.Requests.Where(r => r.Path.StartsWith("/retry-after/", StringComparison.Ordinal)).ToArray();
            Assert.Equal(2, aRequests.Length);
            var pauseEnd = aRequests[0].ArrivedAt + TimeSpan.FromSeconds(1) - Slack;
            foreach (var request in this.server.Requests.Where(r => r.Path.StartsWith("/bytes/", StringComparison.Ordinal)))
            {
                Assert.True(request.ArrivedAt >= pauseEnd, $"{request} arrived {(request.ArrivedAt - aRequests[0].ArrivedAt).TotalMilliseconds:0} ms after the 429/503, inside the pause");
            }

            Assert.Equal(2, this.server.CountRequests("/bytes/"));
            Assert.True(aRequests[1].ArrivedAt >= pauseEnd, "the retry itself came inside the pause");
            var dRequest = Assert.Single(this.other.Requests);
            Assert.True(dRequest.ArrivedAt < aRequests[1].ArrivedAt, "the other host was held back by this host's pause");

            Assert.All(outcome.Results, r => Assert.Equal(DownloadStatus.Completed, r.Status));
            Assert.Equal(2, outcome.For(a.Uri).Result!.Attempts);
            FileAssert.Exact(folder.File("a.bin"), 1000, 1);
            FileAssert.Exact(folder.File("b.bin"), 1000, 2);
            FileAssert.Exact(folder.File("c.bin"), 1000, 3);
            FileAssert.Exact(folder.File("d.bin"), 1000, 4);
            var retry = Assert.Single(outcome.Verbose);
            Assert.Contains("the server asked to wait", retry, StringComparison.Ordinal);
        }

        [Fact]
        public void RetryAfter_RequestsAlreadyQueuedForTheHost_DoNotSlipInWhenTheSlotFrees()
        {
            // LimitPerHost 1: b and c wait at the gate behind a, and its 429 frees the host's slot; the pause
            // must already hold when it does.
            var options = BatchRunner.Options(folder.Path);
            options.LearnRate = false;
            options.Limit = 3;
            options.LimitPerHost = 1;
            options.MaximumRetryCount = 3;
            var a = new DownloadRequest(this.server.Url("retry-after/a/1/1000/a.bin?seconds=1&seed=1"));
            var b = new DownloadRequest(this.server.Url("bytes/1000/b.bin?seed=2"));
            var c = new DownloadRequest(this.server.Url("bytes/1000/c.bin?seed=3"));

            var outcome = BatchRunner.Run(options, new[] { a, b, c }, Timeout);

            var first = this.server.Requests[0];
            Assert.StartsWith("/retry-after/", first.Path, StringComparison.Ordinal);
            foreach (var request in this.server.Requests.Skip(1))
            {
                Assert.True(request.ArrivedAt >= first.ArrivedAt + TimeSpan.FromSeconds(1) - Slack, $"{request} arrived {(request.ArrivedAt - first.ArrivedAt).TotalMilliseconds:0} ms after the 429, inside the pause");
            }

            Assert.Equal(4, this.server.TotalRequests);
            Assert.All(outcome.Results, r => Assert.Equal(DownloadStatus.Completed, r.Status));
            FileAssert.Exact(folder.File("a.bin"), 1000, 1);
            FileAssert.Exact(folder.File("b.bin"), 1000, 2);
            FileAssert.Exact(folder.File("c.bin"), 1000, 3);
        }

        [Fact]
        public void RetryAfter_PausedHostHoldsNoSlot_OtherHostRunsWithLimitOne()
        {
            var options = BatchRunner.Options(folder.Path);
            options.LearnRate = false;
            options.Limit = 1;
            options.MaximumRetryCount = 3;
            using var runner = new BatchRunner(options);
            var a = new DownloadRequest(this.server.Url("retry-after/a/1/1000/a.bin?seconds=1&seed=1"));
            var d = new DownloadRequest(this.other.Url("bytes/1000/d.bin?seed=4"));

            runner.Post(a);
            runner.WaitUntil(() => runner.Verbose.Count > 0, Timeout, "the retry of the first item");
            runner.Post(d);
            runner.WaitUntil(() => runner.Finished.Count > 0, Timeout, "the first item to end");
            var first = runner.Finished[0];
            var outcome = runner.Complete(Timeout);

            Assert.Equal(d.Uri, first.Item!.Uri); // the other host's item ended while this host was paused
            Assert.True(this.other.Requests[0].ArrivedAt < this.server.Requests[1].ArrivedAt);
            Assert.All(outcome.Results, r => Assert.Equal(DownloadStatus.Completed, r.Status));
            FileAssert.Exact(folder.File("a.bin"), 1000, 1);
            FileAssert.Exact(folder.File("d.bin"), 1000, 4);
        }

        [Theory]
        [InlineData("seconds=5")]
        [InlineData("date=6")]
        public void RetryAfter_AboveTheCap_FailsAndSaysWhatTheServerAsked(string wait)
        {
            var options = BatchRunner.Options(folder.Path);
            options.LearnRate = false;
            options.MaximumRetryCount = 3;
            options.MaximumRetryAfter = TimeSpan.FromSeconds(1);

            var outcome = BatchRunner.Run(options, new DownloadRequest(this.server.Url($"retry-after/a/1/1000/a.bin?{wait}")));

            var finished = outcome.Single();
            Assert.Equal(DownloadStatus.Failed, finished.Result!.Status);
            Assert.Equal(DownloadErrorKind.RetryAfterTooLong, finished.Error!.Kind);
            Assert.Equal(429, finished.Error.StatusCode);
            Assert.Equal(1, this.server.TotalRequests);
            Assert.Matches(@"retry after [56] s", finished.Error.Message);
            Assert.Contains("429", finished.Error.Message, StringComparison.Ordinal);
            Assert.True(finished.Result.Duration < TimeSpan.FromSeconds(1), $"the item waited {finished.Result.Duration} before failing");
            Assert.Empty(folder.Files());
        }
    }
}
