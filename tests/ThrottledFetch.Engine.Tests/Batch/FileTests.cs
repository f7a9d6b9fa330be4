using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Batch
{
    /// <summary>
    /// The file target end to end: server-given names, hostile names, the expected hash, existing files
    /// and name collisions inside a batch.
    /// </summary>
    public sealed class FileTests : IAsyncLifetime
    {
        private static readonly string[] WindowsReserved = { "CON", "PRN", "AUX", "NUL", "COM1", "LPT1" };

        private readonly TempFolder folder = new();
        private LoopbackServer server = null!;

        public async Task InitializeAsync() => this.server = await LoopbackServer.StartAsync();

        public async Task DisposeAsync()
        {
            await this.server.DisposeAsync();
            this.folder.Dispose();
        }

        [Theory]
        [InlineData("name=report.txt", "report.txt")]
        [InlineData("star=r%C3%A9sum%C3%A9.txt", "résumé.txt")]
        [InlineData("name=plain.txt&star=fancy-%C3%BC.txt", "fancy-ü.txt")] // filename* wins
        public void ContentDisposition_NamesTheFile(string query, string expected)
        {
            var outcome = BatchRunner.Run(Options(), new DownloadRequest(this.server.Url($"disposition/3000?{query}&seed=2")));

            var result = outcome.Single().Result!;
            Assert.Equal(DownloadStatus.Completed, result.Status);
            Assert.Equal(this.folder.File(expected), result.Path);
            FileAssert.Exact(this.folder.File(expected), 3000, 2);
            Assert.Equal(new[] { expected }, this.folder.Files());
        }

        [Fact]
        public void ContentDisposition_IsIgnoredWhenOutFileIsGiven()
        {
            var outcome = BatchRunner.Run(Options(), new DownloadRequest(this.server.Url("disposition/3000?name=server.txt"), "mine.bin"));

            Assert.Equal(DownloadStatus.Completed, outcome.Single().Result!.Status);
            Assert.Equal(new[] { "mine.bin" }, this.folder.Files());
        }

        [Theory]
        [InlineData("name", "../../evil.txt")]
        [InlineData("star", "../../evil.txt")]
        [InlineData("name", @"..\..\evil.txt")]
        [InlineData("star", @"..\..\evil.txt")]
        [InlineData("name", "/etc/passwd")]
        [InlineData("name", "CON")]
        [InlineData("name", "con.txt")]
        [InlineData("name", "a<b>.txt")]
        [InlineData("name", "a:b|c?.txt")]
        [InlineData("name", "trailing. . ")]
        [InlineData("star", "..")]
        public void HostileDispositionName_LandsInsideTheFolderWithASafeName(string parameter, string hostile)
        {
            var query = parameter + "=" + Uri.EscapeDataString(hostile);

            var outcome = BatchRunner.Run(Options(), new DownloadRequest(this.server.Url($"disposition/2000?{query}&seed=9")));

            var result = outcome.Single().Result!;
            Assert.Equal(DownloadStatus.Completed, result.Status);
            var name = Assert.Single(this.folder.Files()); // nothing beside the folder, nothing below it
            Assert.Equal(this.folder.File(name), result.Path);
            Assert.Equal(this.folder.Path, Path.GetDirectoryName(result.Path));
            Assert.DoesNotContain('/', name);
            Assert.DoesNotContain('\\', name);
            Assert.True(name.IndexOfAny(new[] { '<', '>', ':', '"', '|', '?', '*' }) < 0, $"'{name}' has a character Windows forbids");
            Assert.NotEqual("..", name);
            Assert.False(name.EndsWith('.') || name.EndsWith(' '), $"'{name}' ends with a dot or space");
            var stem = name.Split('.')[0].TrimEnd(' ');
            Assert.DoesNotContain(WindowsReserved, r => string.Equals(r, stem, StringComparison.OrdinalIgnoreCase));
            FileAssert.Exact(result.Path!, 2000, 9);
        }

        [Theory]
        [InlineData("../../evil.txt", "evil.txt")]
        [InlineData("/etc/passwd", "passwd")]
        public void HostileDispositionName_KeepsItsLastSegment(string hostile, string expected)
        {
            var outcome = BatchRunner.Run(Options(), new DownloadRequest(this.server.Url($"disposition/2000?name={Uri.EscapeDataString(hostile)}")));

            Assert.Equal(this.folder.File(expected), outcome.Single().Result!.Path);
            Assert.Equal(new[] { expected }, this.folder.Files());
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void ExpectedHash_Right_Completes(bool upperCase)
        {
            var hash = Sha256(TestContent.Bytes(5000, 4));
            hash = upperCase ? hash.ToUpperInvariant() : hash;

            var outcome = BatchRunner.Run(Options(), new DownloadRequest(this.server.Url("bytes/5000/h.bin?seed=4"), expectedHash: hash));

            Assert.Equal(DownloadStatus.Completed, outcome.Single().Result!.Status);
            FileAssert.Exact(this.folder.File("h.bin"), 5000, 4);
        }

        [Fact]
        public void ExpectedHash_Wrong_FailsAndLeavesNoFile()
        {
            var wrong = Sha256(TestContent.Bytes(5000, 5)); // another seed's content

            var outcome = BatchRunner.Run(Options(), new DownloadRequest(this.server.Url("bytes/5000/h.bin?seed=4"), expectedHash: wrong));

            var finished = outcome.Single();
            Assert.Equal(DownloadStatus.Failed, finished.Result!.Status);
            Assert.Equal(DownloadErrorKind.HashMismatch, finished.Error!.Kind);
            Assert.Contains(wrong, finished.Error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(Sha256(TestContent.Bytes(5000, 4)), finished.Error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Empty(this.folder.Files());
        }

        [Fact]
        public void ExistingFile_Fail_KeepsItAndSendsNoRequest()
        {
            File.WriteAllText(this.folder.File("e.bin"), "old");

            var outcome = BatchRunner.Run(Options(), new DownloadRequest(this.server.Url("bytes/3000/e.bin")));

            var finished = outcome.Single();
            Assert.Equal(DownloadStatus.Failed, finished.Result!.Status);
            Assert.Equal(DownloadErrorKind.ResourceExists, finished.Error!.Kind);
            Assert.Equal("old", File.ReadAllText(this.folder.File("e.bin")));
            Assert.Equal(0, this.server.TotalRequests);
            Assert.Equal(new[] { "e.bin" }, this.folder.Files());
        }

        [Fact]
        public void ExistingFile_Skip_IsSkippedWithoutARequest()
        {
            File.WriteAllText(this.folder.File("e.bin"), "old");
            var options = Options();
            options.ExistingFiles = ExistingFileMode.Skip;

            var outcome = BatchRunner.Run(options, new DownloadRequest(this.server.Url("bytes/3000/e.bin")));

            var finished = outcome.Single();
            Assert.Null(finished.Error);
            Assert.Equal(DownloadStatus.Skipped, finished.Result!.Status);
            Assert.Equal(3, finished.Result.Length);
            Assert.Equal("old", File.ReadAllText(this.folder.File("e.bin")));
            Assert.Equal(0, this.server.TotalRequests);
        }

        [Fact]
        public void ExistingFile_Overwrite_ReplacesIt()
        {
            File.WriteAllText(this.folder.File("e.bin"), "old");
            var options = Options();
            options.ExistingFiles = ExistingFileMode.Overwrite;

            var outcome = BatchRunner.Run(options, new DownloadRequest(this.server.Url("bytes/3000/e.bin?seed=6")));

            Assert.Equal(DownloadStatus.Completed, outcome.Single().Result!.Status);
            FileAssert.Exact(this.folder.File("e.bin"), 3000, 6);
            Assert.Equal(new[] { "e.bin" }, this.folder.Files());
        }

        [Theory]
        [InlineData(ExistingFileMode.Fail)]
        [InlineData(ExistingFileMode.Skip)]
        [InlineData(ExistingFileMode.Overwrite)]
        public void ExistingFile_NamedByTheServer_FollowsTheModeAtRename(ExistingFileMode mode)
        {
            File.WriteAllText(this.folder.File("taken.txt"), "old");
            var options = Options();
            options.ExistingFiles = mode;

            var outcome = BatchRunner.Run(options, new DownloadRequest(this.server.Url("disposition/3000?name=taken.txt&seed=1")));

            var finished = outcome.Single();
            Assert.Equal(1, this.server.TotalRequests); // the name is only known once the response arrives
            Assert.Equal(new[] { "taken.txt" }, this.folder.Files());
            switch (mode)
            {
                case ExistingFileMode.Fail:
                    Assert.Equal(DownloadErrorKind.ResourceExists, finished.Error!.Kind);
                    Assert.Equal("old", File.ReadAllText(this.folder.File("taken.txt")));
                    break;
                case ExistingFileMode.Skip:
                    Assert.Null(finished.Error);
                    Assert.Equal(DownloadStatus.Skipped, finished.Result!.Status);
                    Assert.Equal("old", File.ReadAllText(this.folder.File("taken.txt")));
                    break;
                default:
                    Assert.Null(finished.Error);
                    Assert.Equal(DownloadStatus.Completed, finished.Result!.Status);
                    FileAssert.Exact(this.folder.File("taken.txt"), 3000, 1);
                    break;
            }
        }

        [Fact]
        public void LeftoverPartFile_WithoutResume_IsReplacedNotContinued()
        {
            var url = this.server.Url("bytes/5000/p.bin?seed=3");
            File.WriteAllBytes(PartFiles.Of(this.folder.File("p.bin"), url), TestContent.Bytes(2000, 77));

            var outcome = BatchRunner.Run(Options(), new DownloadRequest(url));

            Assert.Null(outcome.Single().Error);
            Assert.False(Assert.Single(this.server.Requests).Headers.ContainsKey("Range"));
            FileAssert.Exact(this.folder.File("p.bin"), 5000, 3);
            Assert.Equal(new[] { "p.bin" }, this.folder.Files());
        }

        [Fact]
        public void EmptyBody_MakesAnEmptyFile()
        {
            var outcome = BatchRunner.Run(Options(), new DownloadRequest(this.server.Url("bytes/0/empty.bin")));

            var result = outcome.Single().Result!;
            Assert.Equal(DownloadStatus.Completed, result.Status);
            Assert.Equal(0, result.Length);
            Assert.Equal(0, new FileInfo(this.folder.File("empty.bin")).Length);
            Assert.Equal(new[] { "empty.bin" }, this.folder.Files());
        }

        [Fact]
        public void OutFile_InMissingSubfolders_CreatesThem()
        {
            var outcome = BatchRunner.Run(
                Options(),
                new DownloadRequest(this.server.Url("bytes/3000/x?seed=1"), Path.Combine("a", "b", "one.bin")),
                new DownloadRequest(this.server.Url("bytes/4000/y?seed=2"), Path.Combine(this.folder.Root, "elsewhere", "two.bin")));

            Assert.All(outcome.Results, r => Assert.Equal(DownloadStatus.Completed, r.Status));
            FileAssert.Exact(this.folder.File(Path.Combine("a", "b", "one.bin")), 3000, 1);
            FileAssert.Exact(Path.Combine(this.folder.Root, "elsewhere", "two.bin"), 4000, 2); // absolute: used as given
        }

        [Fact]
        public void NameCollision_InOneBatch_LaterItemFails_FirstFileIntact()
        {
            var first = new DownloadRequest(this.server.Url("bytes/4000/same.bin?seed=1"));
            var second = new DownloadRequest(this.server.Url("bytes/6000/same.bin?seed=2"));

            var options = Options();
            options.Limit = 1; // without an OutFile the name is claimed at the response: one at a time, the first claims it

            var outcome = BatchRunner.Run(options, first, second);

            Assert.Equal(DownloadStatus.Completed, outcome.For(first.Uri).Result!.Status);
            var collided = outcome.For(second.Uri);
            Assert.Equal(DownloadStatus.Failed, collided.Result!.Status);
            Assert.Equal(DownloadErrorKind.NameCollision, collided.Error!.Kind);
            Assert.Equal(2, this.server.TotalRequests); // without an OutFile the name is claimed once the response says it
            FileAssert.Exact(this.folder.File("same.bin"), 4000, 1);
            Assert.Equal(new[] { "same.bin" }, this.folder.Files());
        }

        [Fact]
        public void NameCollision_FromTheServer_OneItemWins_NothingIsOverwritten()
        {
            var one = new DownloadRequest(this.server.Url("disposition/4000?name=x.txt&seed=1"));
            var two = new DownloadRequest(this.server.Url("disposition/6000?name=x.txt&seed=2"));

            var outcome = BatchRunner.Run(Options(), one, two);

            var completed = Assert.Single(outcome.Finished, e => e.Result!.Status == DownloadStatus.Completed);
            var collided = Assert.Single(outcome.Finished, e => e.Result!.Status == DownloadStatus.Failed);
            Assert.Equal(DownloadErrorKind.NameCollision, collided.Error!.Kind);
            var (size, seed) = completed.Item == one ? (4000, 1) : (6000, 2);
            FileAssert.Exact(this.folder.File("x.txt"), size, seed);
            Assert.Equal(new[] { "x.txt" }, this.folder.Files());
        }

        private static string Sha256(byte[] data) => Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();

        private BatchOptions Options() => BatchRunner.Options(this.folder.Path);
    }
}
