using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Batch
{
    /// <summary>Cancel() mid-body: workers end within a second, and part files go unless -Resume keeps them.</summary>
    public sealed class CancelTests : IAsyncLifetime
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
        [InlineData(false)]
        [InlineData(true)]
        public async Task Cancel_MidBody_EndsWithinASecond_AndRemovesPartFilesUnlessResuming(bool resume)
        {
            const int Size = 200_000;
            var options = Options();
            options.Limit = 3;
            options.Resume = resume;
            using var runner = new BatchRunner(options);
            var urls = Enumerable.Range(0, 5).Select(i => this.server.Url($"hold/c/{Size}/c{i}.bin?seed={i}")).ToArray();
            var parts = Enumerable.Range(0, 3).Select(i => PartFiles.Of(folder.File($"c{i}.bin"), urls[i])).ToArray();
            foreach (var url in urls) // three in flight, two waiting at the gate
            {
                runner.Post(new DownloadRequest(url));
            }

            // The server sends half of each body and holds the rest: wait until every half is on disk.
            await folder.WaitForAsync(() => parts.All(p => Length(p) >= Size / 2), Timeout, "three half-written part files");
            var clock = Stopwatch.StartNew();
            runner.Batch.Cancel();
            var ended = runner.Batch.WaitForWorkers(TimeSpan.FromSeconds(1));
            clock.Stop();

            Assert.True(ended, "the workers did not end within a second of the cancel");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
            runner.TakeEvents();
            Assert.Empty(runner.Finished); // nothing is reported after a stop
            if (resume)
            {
                for (var i = 0; i < 3; i++)
                {
                    FileAssert.Prefix(parts[i], Length(parts[i]), i);
                    Assert.Equal("if-range: \"s" + i + "-200000\"\nlength: 200000\n", File.ReadAllText(parts[i] + ".validator"));
                }

                Assert.DoesNotContain(folder.Files(), f => !f.Contains(".part", StringComparison.Ordinal));
            }
            else
            {
                Assert.Empty(folder.Files());
            }
        }

        [Fact]
        public async Task Cancel_ThenResume_ContinuesTheKeptPartWithIfRange()
        {
            const int Size = 200_000;
            var options = Options();
            options.Resume = true;
            var uri = this.server.Url($"hold/r/{Size}/c.bin?seed=4");
            var part = PartFiles.Of(folder.File("c.bin"), uri);
            using (var runner = new BatchRunner(options))
            {
                runner.Post(new DownloadRequest(uri));
                await folder.WaitForAsync(() => Length(part) >= Size / 2, Timeout, "a half-written part file");
                runner.Batch.Cancel();
                Assert.True(runner.Batch.WaitForWorkers(TimeSpan.FromSeconds(1)));
            }

            var kept = Length(part);
            this.server.Release("r");
            var outcome = BatchRunner.Run(options, new DownloadRequest(uri));

            Assert.True(outcome.Single().Error == null, outcome.Single().Error?.Message);
            var retry = this.server.Requests[1];
            Assert.Equal($"bytes={kept}-", Assert.Contains("Range", retry.Headers));
            Assert.Equal("\"s4-200000\"", Assert.Contains("If-Range", retry.Headers));
            FileAssert.Exact(folder.File("c.bin"), Size, 4);
            Assert.Equal(new[] { "c.bin" }, folder.Files());
        }

        private static long Length(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? info.Length : -1;
        }

        private BatchOptions Options() => BatchRunner.Options(folder.Path);
    }
}
