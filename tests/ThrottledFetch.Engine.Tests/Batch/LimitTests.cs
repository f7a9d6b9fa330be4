using System;
using System.Linq;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Batch
{
    /// <summary>-Limit, -LimitPerHost and the bounded input, as the real server counts them.</summary>
    public sealed class LimitTests : IAsyncLifetime
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

        private readonly TempFolder folder = new();
        private LoopbackServer server = null!;

        public async Task InitializeAsync() => this.server = await LoopbackServer.StartAsync();

        public async Task DisposeAsync()
        {
            await this.server.DisposeAsync();
            folder.Dispose();
        }

        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        [InlineData(7)]
        public void Limit_ServerSeesExactlyThatManyInFlight_AndEveryFileIsExact(int limit)
        {
            const int Items = 30;
            var options = BatchRunner.Options(folder.Path);
            options.Limit = limit;
            var requests = Enumerable.Range(0, Items)
                .Select(i => new DownloadRequest(this.server.Url($"delay/40/{Size(i)}/f{i}.bin?seed={i}")))
                .ToArray();

            var outcome = BatchRunner.Run(options, requests);

            Assert.Equal(limit, this.server.PeakInFlight);
            Assert.Equal(Items, this.server.TotalRequests);
            Assert.Equal(Items, outcome.Finished.Count);
            for (var i = 0; i < Items; i++)
            {
                var result = outcome.For(requests[i].Uri).Result!;
                Assert.Equal(DownloadStatus.Completed, result.Status);
                Assert.Equal(folder.File($"f{i}.bin"), result.Path);
                Assert.Equal(Size(i), result.Length);
                Assert.Equal(1, result.Attempts);
                FileAssert.Exact(result.Path!, Size(i), i);
            }

            Assert.DoesNotContain(folder.Files(), f => f.EndsWith(".part", StringComparison.Ordinal));
        }

        [Fact]
        public void Limit_IsGlobal_AcrossHosts()
        {
            // 127.0.0.1:port and localhost:port are two hosts to the engine but one server, whose peak is
            // therefore the peak over both: the global limit, not the limit per host, must cap it.
            const int Items = 30;
            var options = BatchRunner.Options(folder.Path);
            options.Limit = 3;
            var localhost = new UriBuilder(this.server.BaseUri) { Host = "localhost" }.Uri;
            var requests = Enumerable.Range(0, Items)
                .Select(i => new DownloadRequest(new Uri(i % 2 == 0 ? this.server.BaseUri : localhost, $"delay/40/{Size(i)}/f{i}.bin?seed={i}")))
                .ToArray();

            var outcome = BatchRunner.Run(options, requests);

            Assert.Equal(3, this.server.PeakInFlight);
            Assert.Equal(Items, this.server.TotalRequests);
            Assert.All(outcome.Results, r => Assert.Equal(DownloadStatus.Completed, r.Status));
            for (var i = 0; i < Items; i++)
            {
                FileAssert.Exact(folder.File($"f{i}.bin"), Size(i), i);
            }
        }

        [Fact]
        public async Task LimitPerHost_OneSlotPerHost_WhileBothHostsAreServedAtOnce()
        {
            await using var other = await LoopbackServer.StartAsync();
            var options = BatchRunner.Options(folder.Path);
            options.Limit = 2;
            options.LimitPerHost = 1;

            // All of the first host's items are posted first: if a waiter for the busy host held a
            // global slot, the second host would not be served until the first is released.
            var requests = Enumerable.Range(0, 3).Select(i => new DownloadRequest(this.server.Url($"hold/a/20000/a{i}.bin?seed={i}")))
                .Concat(Enumerable.Range(0, 3).Select(i => new DownloadRequest(other.Url($"hold/b/20000/b{i}.bin?seed={10 + i}"))))
                .ToArray();
            var run = BatchRunner.Start(options, requests);

            await this.server.WaitForInFlightAsync(1, Timeout);
            await other.WaitForInFlightAsync(1, Timeout);
            Assert.Equal(1, this.server.InFlight);
            Assert.Equal(1, other.InFlight);
            this.server.Release("a");
            other.Release("b");
            var outcome = await run;

            Assert.Equal(1, this.server.PeakInFlight);
            Assert.Equal(1, other.PeakInFlight);
            Assert.Equal(3, this.server.TotalRequests);
            Assert.Equal(3, other.TotalRequests);
            Assert.All(outcome.Results, r => Assert.Equal(DownloadStatus.Completed, r.Status));
            for (var i = 0; i < 3; i++)
            {
                FileAssert.Exact(folder.File($"a{i}.bin"), 20000, i);
                FileAssert.Exact(folder.File($"b{i}.bin"), 20000, 10 + i);
            }
        }

        [Fact]
        public async Task Input_IsBounded_TryPostRefusesWhileCapacityItemsAreLive_AndAcceptsOnceOneEnds()
        {
            var options = BatchRunner.Options(folder.Path);
            options.Limit = 2;
            using var runner = new BatchRunner(options);
            var batch = runner.Batch;
            Assert.True(batch.Capacity >= options.Limit);

            var accepted = 0;
            while (accepted <= batch.Capacity && batch.TryPost(Held(accepted)))
            {
                accepted++;
            }

            Assert.Equal(batch.Capacity, accepted);
            await this.server.WaitForInFlightAsync(options.Limit, Timeout);

            // Still full while everything is held.
            Assert.False(batch.TryPost(Held(accepted)));
            Assert.Equal(options.Limit, this.server.PeakInFlight);

            this.server.Release("k");
            var extra = Held(accepted);
            runner.WaitUntil(() => batch.TryPost(extra), Timeout, "the batch to accept an item after the release");
            accepted++;
            var outcome = runner.Complete(Timeout);

            Assert.Equal(accepted, outcome.Finished.Count);
            Assert.All(outcome.Results, r => Assert.Equal(DownloadStatus.Completed, r.Status));
            for (var i = 0; i < accepted; i++)
            {
                FileAssert.Exact(folder.File($"h{i}.bin"), 4000, i);
            }

            Assert.Equal(options.Limit, this.server.PeakInFlight);
        }

        [Fact]
        public void Results_FlowWhileTheInputIsStillOpen()
        {
            using var runner = new BatchRunner(BatchRunner.Options(folder.Path));
            var first = new DownloadRequest(this.server.Url("bytes/1000/first.bin"));

            runner.Post(first);
            runner.WaitUntil(() => runner.Finished.Count == 1, Timeout, "the first result before the input ends");
            Assert.False(runner.Batch.IsDone);
            runner.Post(new DownloadRequest(this.server.Url("bytes/1000/second.bin")));
            var outcome = runner.Complete(Timeout);

            Assert.Equal(first.Uri, outcome.Finished[0].Item!.Uri);
            Assert.Equal(2, outcome.Finished.Count);
            Assert.All(outcome.Results, r => Assert.Equal(DownloadStatus.Completed, r.Status));
        }

        private static long Size(int i) => 1000 + (i * 997);

        private DownloadRequest Held(int i) => new(this.server.Url($"hold/k/4000/h{i}.bin?seed={i}"));
    }
}
