using System;
using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Batch
{
    /// <summary>
    /// A server that encodes a body nobody asked to encode: the file on disk is the decoded body (as
    /// Invoke-WebRequest -OutFile saves it), and its Length, hash and size limit are of those bytes.
    /// </summary>
    public sealed class EncodingTests : IAsyncLifetime
    {
        private const int Size = 100_000;

        private readonly TempFolder folder = new();
        private LoopbackServer server = null!;

        public async Task InitializeAsync() => this.server = await LoopbackServer.StartAsync();

        public async Task DisposeAsync()
        {
            await this.server.DisposeAsync();
            folder.Dispose();
        }

        [Theory]
        [InlineData("gzip", "")]
        [InlineData("gzip", "&length=0")]
        [InlineData("deflate", "")]
        [InlineData("rawdeflate", "")]
        [InlineData("br", "")]
        public void EncodedBody_IsSavedDecoded_AndItsHashIsTheOriginals(string coding, string query)
        {
            var hash = Convert.ToHexString(SHA256.HashData(TestContent.Bytes(Size, 5)));
            var request = new DownloadRequest(this.server.Url($"encoded/{coding}/{Size}/file.bin?seed=5{query}"), null, hash);

            var outcome = BatchRunner.Run(BatchRunner.Options(folder.Path), request);

            var finished = outcome.Single();
            Assert.True(finished.Error == null, finished.Error?.Message);
            Assert.Equal(DownloadStatus.Completed, finished.Result!.Status);
            Assert.Equal(Size, finished.Result.Length);
            Assert.Equal(1, finished.Result.Attempts);
            FileAssert.Exact(folder.File("file.bin"), Size, 5);
            Assert.Equal(new[] { "file.bin" }, folder.Files());

            // Nothing asked for the encoding.
            Assert.False(this.server.Requests.Single().Headers.ContainsKey("Accept-Encoding"));
        }

        [Fact]
        public void UnknownEncoding_FailsTheItemClearly_WithoutARetry()
        {
            var options = BatchRunner.Options(folder.Path);
            options.MaximumRetryCount = 3;

            var outcome = BatchRunner.Run(options, new DownloadRequest(this.server.Url($"encoded/zstd/{Size}/file.bin")));

            var finished = outcome.Single();
            Assert.Equal(DownloadStatus.Failed, finished.Result!.Status);
            Assert.Equal(DownloadErrorKind.ContentEncoding, finished.Error!.Kind);
            Assert.Contains("'zstd'", finished.Error.Message, StringComparison.Ordinal);
            Assert.Equal(200, finished.Error.StatusCode);
            Assert.Equal(1, this.server.TotalRequests);
            Assert.Empty(folder.Files());
        }

        [Fact]
        public void EncodedBodyCutShort_IsRetriedWhole_NeverWithARange()
        {
            // The server claims byte ranges, but ranges of an encoded body are ranges of its encoded bytes.
            var options = BatchRunner.Options(folder.Path);
            options.MaximumRetryCount = 3;

            var outcome = BatchRunner.Run(options, new DownloadRequest(this.server.Url($"encoded/gzip/{Size}/file.bin?seed=2&ranges=1&cut=5000&key=c")));

            var finished = outcome.Single();
            Assert.True(finished.Error == null, finished.Error?.Message);
            Assert.Equal(2, finished.Result!.Attempts);
            Assert.Contains("-encoded bytes", Assert.Single(outcome.Verbose), StringComparison.Ordinal);
            var requests = this.server.Requests;
            Assert.Equal(2, requests.Count);
            Assert.All(requests, r => Assert.False(r.Headers.ContainsKey("Range")));
            FileAssert.Exact(folder.File("file.bin"), Size, 2);
        }

        [Fact]
        public void MaximumFileSize_CountsTheDecodedBytes()
        {
            var options = BatchRunner.Options(folder.Path);
            options.MaximumFileSize = Size - 1;

            var outcome = BatchRunner.Run(options, new DownloadRequest(this.server.Url($"encoded/gzip/{Size}/file.bin")));

            var finished = outcome.Single();
            Assert.Equal(DownloadErrorKind.TooLarge, finished.Error!.Kind);
            Assert.Empty(folder.Files());
        }
    }
}
