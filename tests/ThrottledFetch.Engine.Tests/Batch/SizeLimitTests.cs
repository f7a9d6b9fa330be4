using System;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Batch
{
    /// <summary>MaximumFileSize: a body that would pass it fails the item, not retried, with no file and no .part left.</summary>
    public sealed class SizeLimitTests : IAsyncLifetime
    {
        private const long Limit = 100_000;

        private readonly TempFolder folder = new();
        private LoopbackServer server = null!;

        public async Task InitializeAsync() => this.server = await LoopbackServer.StartAsync();

        public async Task DisposeAsync()
        {
            await this.server.DisposeAsync();
            folder.Dispose();
        }

        [Fact]
        public void AnnouncedLengthAboveTheLimit_FailsBeforeTheBodyIsRead()
        {
            using var runner = new BatchRunner(Options());

            runner.Post(new DownloadRequest(this.server.Url($"bytes/{Limit + 1}/big.bin")));
            var outcome = runner.Complete();

            var finished = outcome.Single();
            Assert.Equal(DownloadStatus.Failed, finished.Result!.Status);
            Assert.Equal(DownloadErrorKind.TooLarge, finished.Error!.Kind);
            Assert.Equal(200, finished.Error.StatusCode);
            Assert.Equal(1, finished.Result.Attempts);
            Assert.Equal(1, this.server.TotalRequests);
            Assert.Contains("100001 bytes", finished.Error.Message, StringComparison.Ordinal);
            Assert.Contains("100000", finished.Error.Message, StringComparison.Ordinal);
            Assert.Equal(0, runner.BytesReceived);
            Assert.Empty(folder.Files());
        }

        [Fact]
        public void EndlessBodyWithoutALength_IsStoppedOnceItPassesTheLimit()
        {
            var options = Options();
            using var runner = new BatchRunner(options);

            // A gigabyte (the server's cap) is endless enough: only a client that stops early ends it soon.
            runner.Post(new DownloadRequest(this.server.Url("chunked/1073741824/endless.bin")));
            var outcome = runner.Complete();

            var finished = outcome.Single();
            Assert.Equal(DownloadStatus.Failed, finished.Result!.Status);
            Assert.Equal(DownloadErrorKind.TooLarge, finished.Error!.Kind);
            Assert.Equal(1, finished.Result.Attempts);
            Assert.Equal(1, this.server.TotalRequests);
            Assert.Contains("100000 bytes", finished.Error.Message, StringComparison.Ordinal);

            // Stopped at the read that would pass the limit (that read not written), not at the end of the gigabyte.
            Assert.InRange(runner.BytesReceived, Limit - options.BufferSize, Limit);
            Assert.Empty(folder.Files());
        }

        [Theory]
        [InlineData("bytes")]
        [InlineData("chunked")]
        public void BodyOfExactlyTheLimit_Completes(string endpoint)
        {
            var outcome = BatchRunner.Run(Options(), new DownloadRequest(this.server.Url($"{endpoint}/{Limit}/exact.bin?seed=3")));

            var finished = outcome.Single();
            Assert.Null(finished.Error);
            Assert.Equal(Limit, finished.Result!.Length);
            FileAssert.Exact(folder.File("exact.bin"), Limit, 3);
        }

        private BatchOptions Options()
        {
            var options = BatchRunner.Options(folder.Path);
            options.MaximumFileSize = Limit;
            options.MaximumRetryCount = 3;
            return options;
        }
    }
}
