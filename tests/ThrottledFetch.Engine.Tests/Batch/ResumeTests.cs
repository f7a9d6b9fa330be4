using System;
using System.IO;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Batch
{
    /// <summary>
    /// -Resume: a part file from an earlier run, or a final-name file, continued with Range (and If-Range
    /// when a validator is known), restarted cleanly when the server cannot continue it.
    /// </summary>
    public sealed class ResumeTests : IAsyncLifetime
    {
        private readonly TempFolder folder = new();
        private LoopbackServer server = null!;

        public async Task InitializeAsync() => this.server = await LoopbackServer.StartAsync();

        public async Task DisposeAsync()
        {
            await this.server.DisposeAsync();
            folder.Dispose();
        }

        [Fact]
        public void Resume_ContinuesAPartFile_WithARangeRequest()
        {
            const int Size = 100_000;
            var url = this.server.Url($"bytes/{Size}/r.bin?seed=3");
            PartFiles.Leave(folder.File("r.bin"), url, TestContent.Bytes(Size / 2, 3), ContentResponse.ETagFor(3, Size), Size);
            var options = Options();
            options.Resume = true;

            var outcome = BatchRunner.Run(options, new DownloadRequest(url));

            var finished = outcome.Single();
            Assert.True(finished.Error == null, finished.Error?.Message);
            Assert.Equal(206, finished.Result!.StatusCode);
            Assert.Equal(Size, finished.Result.Length);
            var request = Assert.Single(this.server.Requests);
            Assert.Equal($"bytes={Size / 2}-", Assert.Contains("Range", request.Headers));
            Assert.Equal(ContentResponse.ETagFor(3, Size), Assert.Contains("If-Range", request.Headers));
            FileAssert.Exact(folder.File("r.bin"), Size, 3);
            Assert.Equal(new[] { "r.bin" }, folder.Files());
        }

        [Fact]
        public void Resume_APartWithoutAValidator_IsRestartedNotContinued()
        {
            // A crash before the validator was written: which version the bytes are is unknown.
            const int Size = 100_000;
            var url = this.server.Url($"bytes/{Size}/r.bin?seed=3");
            File.WriteAllBytes(PartFiles.Of(folder.File("r.bin"), url), TestContent.Bytes(Size / 2, 99));
            var options = Options();
            options.Resume = true;

            var outcome = BatchRunner.Run(options, new DownloadRequest(url));

            Assert.True(outcome.Single().Error == null, outcome.Single().Error?.Message);
            Assert.False(Assert.Single(this.server.Requests).Headers.ContainsKey("Range"));
            FileAssert.Exact(folder.File("r.bin"), Size, 3);
            Assert.Equal(new[] { "r.bin" }, folder.Files());
        }

        [Fact]
        public void Resume_OnlyALengthRecorded_ContinuesOnlyWhenTheTotalMatches()
        {
            // The server sent neither ETag nor Last-Modified: a 206 whose total differs is another version.
            const int Size = 100_000;
            var url = this.server.Url($"bytes/{Size}/r.bin?seed=3");
            PartFiles.Leave(folder.File("r.bin"), url, TestContent.Bytes(Size / 2, 99), null, Size + 1);
            var options = Options();
            options.Resume = true;

            var outcome = BatchRunner.Run(options, new DownloadRequest(url));

            Assert.True(outcome.Single().Error == null, outcome.Single().Error?.Message);
            Assert.Equal(2, this.server.TotalRequests); // the 206 is refused, the whole body asked for
            Assert.False(this.server.Requests[1].Headers.ContainsKey("Range"));
            FileAssert.Exact(folder.File("r.bin"), Size, 3);
        }

        [Fact]
        public async Task Resume_TheValidatorIsOnDiskBeforeTheFirstBodyByte()
        {
            // So a process killed mid-body (no clean failure) still leaves a part that is continued safely.
            const int Size = 200_000;
            var url = this.server.Url($"hold/v/{Size}/v.bin?seed=5");
            var validator = PartFiles.ValidatorOf(folder.File("v.bin"), url);
            var options = Options();
            options.Resume = true;
            using var runner = new BatchRunner(options);
            runner.Post(new DownloadRequest(url));

            var part = PartFiles.Of(folder.File("v.bin"), url);
            await folder.WaitForAsync(() => File.Exists(part) && new FileInfo(part).Length > 0, TimeSpan.FromSeconds(20), "body bytes in the part");

            Assert.Contains(ContentResponse.ETagFor(5, Size), File.ReadAllText(validator), StringComparison.Ordinal);
            this.server.Release("v");
        }

        [Fact]
        public void Resume_WithAStaleValidator_RestartsCleanly()
        {
            // The kept validator no longer matches: the server answers 200 and nothing is spliced.
            const int Size = 100_000;
            var url = this.server.Url($"bytes/{Size}/r.bin?seed=3");
            PartFiles.Leave(folder.File("r.bin"), url, TestContent.Bytes(Size / 2, 99), "\"stale\"", Size);
            var options = Options();
            options.Resume = true;

            var outcome = BatchRunner.Run(options, new DownloadRequest(url));

            var finished = outcome.Single();
            Assert.True(finished.Error == null, finished.Error?.Message);
            Assert.Equal(200, finished.Result!.StatusCode);
            var request = Assert.Single(this.server.Requests);
            Assert.Equal("\"stale\"", Assert.Contains("If-Range", request.Headers));
            FileAssert.Exact(folder.File("r.bin"), Size, 3);
            Assert.Equal(new[] { "r.bin" }, folder.Files());
        }

        [Fact]
        public void Resume_FinalFileShorterThanTheServers_IsContinuedWhenItsTimeIsTheServersLastModified()
        {
            const int Size = 60_000;
            File.WriteAllBytes(folder.File("r.bin"), TestContent.Bytes(17_000, 8));
            File.SetLastWriteTimeUtc(folder.File("r.bin"), DateTime.Parse(ContentResponse.LastModified, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime());
            var options = Options();
            options.Resume = true;

            var outcome = BatchRunner.Run(options, new DownloadRequest(this.server.Url($"bytes/{Size}/r.bin?seed=8")));

            var finished = outcome.Single();
            Assert.True(finished.Error == null, finished.Error?.Message);
            Assert.Equal(Size, finished.Result!.Length);
            Assert.Equal("bytes=17000-", Assert.Contains("Range", Assert.Single(this.server.Requests).Headers));
            Assert.Equal(ContentResponse.LastModified, Assert.Single(this.server.Requests).Headers["If-Range"]);
            FileAssert.Exact(folder.File("r.bin"), Size, 8);
            Assert.Equal(new[] { "r.bin" }, folder.Files());
        }

        [Fact]
        public void Resume_FinalFileOfAnotherVersion_IsReplacedWholeNotSpliced()
        {
            // Its time is not the server's Last-Modified: the server answers If-Range with 200.
            const int Size = 60_000;
            File.WriteAllBytes(folder.File("r.bin"), TestContent.Bytes(17_000, 99));
            File.SetLastWriteTimeUtc(folder.File("r.bin"), new DateTime(2020, 5, 5, 0, 0, 0, DateTimeKind.Utc));
            var options = Options();
            options.Resume = true;

            var outcome = BatchRunner.Run(options, new DownloadRequest(this.server.Url($"bytes/{Size}/r.bin?seed=8")));

            Assert.True(outcome.Single().Error == null, outcome.Single().Error?.Message);
            Assert.Equal(200, outcome.Single().Result!.StatusCode);
            FileAssert.Exact(folder.File("r.bin"), Size, 8);
            Assert.Equal(DateTime.Parse(ContentResponse.LastModified, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime(), File.GetLastWriteTimeUtc(folder.File("r.bin")));
        }

        [Fact]
        public void Resume_ServerWithoutRanges_RestartsCleanly()
        {
            const int Size = 60_000;
            var url = this.server.Url($"bytes/{Size}/r.bin?ranges=0&seed=8");
            PartFiles.Leave(folder.File("r.bin"), url, TestContent.Bytes(20_000, 99), ContentResponse.ETagFor(8, Size), Size);
            var options = Options();
            options.Resume = true;

            var outcome = BatchRunner.Run(options, new DownloadRequest(url));

            var finished = outcome.Single();
            Assert.True(finished.Error == null, finished.Error?.Message);
            Assert.Equal(200, finished.Result!.StatusCode);
            FileAssert.Exact(folder.File("r.bin"), Size, 8);
            Assert.Equal(new[] { "r.bin" }, folder.Files());
        }

        [Fact]
        public void Resume_FinalFileLongerThanTheServers_IsReplaced()
        {
            // As Invoke-WebRequest -Resume: a local file larger than the remote one is downloaded again.
            const int Size = 30_000;
            File.WriteAllBytes(folder.File("r.bin"), TestContent.Bytes(45_000, 99));
            var options = Options();
            options.Resume = true;

            var outcome = BatchRunner.Run(options, new DownloadRequest(this.server.Url($"bytes/{Size}/r.bin?seed=8")));

            var finished = outcome.Single();
            Assert.True(finished.Error == null, finished.Error?.Message);
            FileAssert.Exact(folder.File("r.bin"), Size, 8);
            Assert.Equal(new[] { "r.bin" }, folder.Files());
        }

        [Fact]
        public void Resume_FinalFileLongerThanTheServers_WithoutRetries_IsNotLost()
        {
            // The 416 restart must not cost the user's file: either it is replaced by the server's, or it stays.
            File.WriteAllBytes(folder.File("r.bin"), TestContent.Bytes(45_000, 99));
            var options = Options();
            options.Resume = true;
            options.MaximumRetryCount = 0;

            var outcome = BatchRunner.Run(options, new DownloadRequest(this.server.Url("bytes/30000/r.bin?seed=8")));

            Assert.Contains("r.bin", folder.Files());
            if (outcome.Single().Error == null)
            {
                FileAssert.Exact(folder.File("r.bin"), 30_000, 8);
            }
            else
            {
                FileAssert.Exact(folder.File("r.bin"), 45_000, 99);
            }
        }

        [Fact]
        public void Resume_FinalFile_ServerFailsBeforeAnyByte_KeepsItUnderItsName()
        {
            File.WriteAllBytes(folder.File("r.bin"), TestContent.Bytes(1000, 99));
            var options = Options();
            options.Resume = true;
            options.MaximumRetryCount = 0;

            var outcome = BatchRunner.Run(options, new DownloadRequest(this.server.Url("status/404"), "r.bin"));

            Assert.Equal(DownloadErrorKind.HttpStatus, outcome.Single().Error!.Kind);
            Assert.Equal(new[] { "r.bin" }, folder.Files());
            FileAssert.Exact(folder.File("r.bin"), 1000, 99);
        }

        [Fact]
        public void Resume_FinalFileAlreadyComplete_IsKeptAsIs()
        {
            const int Size = 60_000;
            File.WriteAllBytes(folder.File("r.bin"), TestContent.Bytes(Size, 8));
            var options = Options();
            options.Resume = true;

            var outcome = BatchRunner.Run(options, new DownloadRequest(this.server.Url($"bytes/{Size}/r.bin?seed=8")));

            var finished = outcome.Single();
            Assert.True(finished.Error == null, finished.Error?.Message);
            Assert.Equal(DownloadStatus.Completed, finished.Result!.Status);
            Assert.Equal(Size, finished.Result.Length);
            Assert.Equal(1, this.server.TotalRequests);
            FileAssert.Exact(folder.File("r.bin"), Size, 8);
            Assert.Equal(new[] { "r.bin" }, folder.Files());
        }

        private BatchOptions Options() => BatchRunner.Options(folder.Path);
    }
}
