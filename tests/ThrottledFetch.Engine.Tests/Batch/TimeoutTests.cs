using System;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Batch
{
    /// <summary>
    /// The stall timeout in real time, with OperationTimeout 1 s: no bytes (response headers included)
    /// for that long fails the attempt, while a slow but steady body never times out.
    /// </summary>
    public sealed class TimeoutTests : IAsyncLifetime
    {
        private static readonly TimeSpan Stall = TimeSpan.FromSeconds(1);

        private readonly TempFolder folder = new();
        private LoopbackServer server = null!;

        public async Task InitializeAsync() => server = await WarmServer.StartAsync();

        public async Task DisposeAsync()
        {
            await server.DisposeAsync();
            folder.Dispose();
        }

        [Theory]
        [InlineData("stall/100000/s.bin")] // headers, then nothing
        [InlineData("stall/100000/s.bin?after=40000")] // headers and part of the body, then nothing
        [InlineData("stall-headers/s.bin")] // not even headers
        public void Stall_FailsWithTimeout_AndLeavesNoPartFile(string path)
        {
            var options = Options();
            options.MaximumRetryCount = 0;

            var outcome = BatchRunner.Run(options, new DownloadRequest(server.Url(path)));

            var finished = outcome.Single();
            Assert.Equal(DownloadStatus.Failed, finished.Result!.Status);
            Assert.Equal(DownloadErrorKind.Timeout, finished.Error!.Kind);
            Assert.Contains(server.Url(path).ToString(), finished.Error.Message, StringComparison.Ordinal);
            Assert.Equal(1, finished.Result.Attempts);
            Assert.InRange(finished.Result.Duration, Stall - TimeSpan.FromMilliseconds(50), Stall + TimeSpan.FromSeconds(4));
            Assert.Equal(1, server.TotalRequests);
            Assert.Empty(folder.Files());
        }

        [Fact]
        public void Stall_IsTransient_RetriedThenFailsWithTimeout()
        {
            var options = Options();
            options.MaximumRetryCount = 1;

            var outcome = BatchRunner.Run(options, new DownloadRequest(server.Url("stall-headers/s.bin")));

            var finished = outcome.Single();
            Assert.Equal(DownloadErrorKind.Timeout, finished.Error!.Kind);
            Assert.Equal(2, finished.Result!.Attempts);
            Assert.Equal(2, server.TotalRequests);
            Assert.Single(outcome.Verbose);
            Assert.Empty(folder.Files());
        }

        [Fact]
        public void SlowSteadyBody_LongerThanTheTimeout_Completes()
        {
            // 10 chunks, one every 200 ms: about 2 s in all, never 1 s without a byte.
            const int Size = 20_000;
            var options = Options();
            options.MaximumRetryCount = 0;

            var outcome = BatchRunner.Run(options, new DownloadRequest(server.Url($"slow/{Size}/slow.bin?chunk=2000&interval=200&seed=5")));

            var finished = outcome.Single();
            Assert.True(finished.Error == null, finished.Error?.Message);
            Assert.Equal(DownloadStatus.Completed, finished.Result!.Status);
            Assert.True(finished.Result.Duration > Stall + TimeSpan.FromMilliseconds(500), $"took only {finished.Result.Duration}");
            Assert.Equal(1, server.TotalRequests);
            FileAssert.Exact(folder.File("slow.bin"), Size, 5);
            Assert.Equal(new[] { "slow.bin" }, folder.Files());
        }

        private BatchOptions Options()
        {
            var options = BatchRunner.Options(folder.Path);
            options.OperationTimeout = Stall;
            return options;
        }
    }
}
