using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Batch;

/// <summary>
/// The file target end to end: server-given names, hostile names, the expected hash, existing files,
/// -Resume, name collisions inside a batch, and what a cancel leaves behind.
/// </summary>
public sealed class FileTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static readonly string[] WindowsReserved = { "CON", "PRN", "AUX", "NUL", "COM1", "LPT1" };

    private readonly TempFolder _folder = new();
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    [Theory]
    [InlineData("name=report.txt", "report.txt")]
    [InlineData("star=r%C3%A9sum%C3%A9.txt", "résumé.txt")]
    [InlineData("name=plain.txt&star=fancy-%C3%BC.txt", "fancy-ü.txt")] // filename* wins
    public void ContentDisposition_NamesTheFile(string query, string expected)
    {
        var outcome = BatchRunner.Run(Options(), new DownloadRequest(_server.Url($"disposition/3000?{query}&seed=2")));

        var result = outcome.Single().Result!;
        Assert.Equal(DownloadStatus.Completed, result.Status);
        Assert.Equal(_folder.File(expected), result.Path);
        FileAssert.Exact(_folder.File(expected), 3000, 2);
        Assert.Equal(new[] { expected }, _folder.Files());
    }

    [Fact]
    public void ContentDisposition_IsIgnoredWhenOutFileIsGiven()
    {
        var outcome = BatchRunner.Run(Options(), new DownloadRequest(_server.Url("disposition/3000?name=server.txt"), "mine.bin"));

        Assert.Equal(DownloadStatus.Completed, outcome.Single().Result!.Status);
        Assert.Equal(new[] { "mine.bin" }, _folder.Files());
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

        var outcome = BatchRunner.Run(Options(), new DownloadRequest(_server.Url($"disposition/2000?{query}&seed=9")));

        var result = outcome.Single().Result!;
        Assert.Equal(DownloadStatus.Completed, result.Status);
        var name = Assert.Single(_folder.Files()); // nothing beside the folder, nothing below it
        Assert.Equal(_folder.File(name), result.Path);
        Assert.Equal(_folder.Path, Path.GetDirectoryName(result.Path));
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
        var outcome = BatchRunner.Run(Options(), new DownloadRequest(_server.Url($"disposition/2000?name={Uri.EscapeDataString(hostile)}")));

        Assert.Equal(_folder.File(expected), outcome.Single().Result!.Path);
        Assert.Equal(new[] { expected }, _folder.Files());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ExpectedHash_Right_Completes(bool upperCase)
    {
        var hash = Sha256(TestContent.Bytes(5000, 4));
        hash = upperCase ? hash.ToUpperInvariant() : hash;

        var outcome = BatchRunner.Run(Options(), new DownloadRequest(_server.Url("bytes/5000/h.bin?seed=4"), expectedHash: hash));

        Assert.Equal(DownloadStatus.Completed, outcome.Single().Result!.Status);
        FileAssert.Exact(_folder.File("h.bin"), 5000, 4);
    }

    [Fact]
    public void ExpectedHash_Wrong_FailsAndLeavesNoFile()
    {
        var wrong = Sha256(TestContent.Bytes(5000, 5)); // another seed's content

        var outcome = BatchRunner.Run(Options(), new DownloadRequest(_server.Url("bytes/5000/h.bin?seed=4"), expectedHash: wrong));

        var finished = outcome.Single();
        Assert.Equal(DownloadStatus.Failed, finished.Result!.Status);
        Assert.Equal(DownloadErrorKind.HashMismatch, finished.Error!.Kind);
        Assert.Contains(wrong, finished.Error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Sha256(TestContent.Bytes(5000, 4)), finished.Error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(_folder.Files());
    }

    [Fact]
    public void ExistingFile_Fail_KeepsItAndSendsNoRequest()
    {
        File.WriteAllText(_folder.File("e.bin"), "old");

        var outcome = BatchRunner.Run(Options(), new DownloadRequest(_server.Url("bytes/3000/e.bin")));

        var finished = outcome.Single();
        Assert.Equal(DownloadStatus.Failed, finished.Result!.Status);
        Assert.Equal(DownloadErrorKind.ResourceExists, finished.Error!.Kind);
        Assert.Equal("old", File.ReadAllText(_folder.File("e.bin")));
        Assert.Equal(0, _server.TotalRequests);
        Assert.Equal(new[] { "e.bin" }, _folder.Files());
    }

    [Fact]
    public void ExistingFile_Skip_IsSkippedWithoutARequest()
    {
        File.WriteAllText(_folder.File("e.bin"), "old");
        var options = Options();
        options.ExistingFiles = ExistingFileMode.Skip;

        var outcome = BatchRunner.Run(options, new DownloadRequest(_server.Url("bytes/3000/e.bin")));

        var finished = outcome.Single();
        Assert.Null(finished.Error);
        Assert.Equal(DownloadStatus.Skipped, finished.Result!.Status);
        Assert.Equal(3, finished.Result.Length);
        Assert.Equal("old", File.ReadAllText(_folder.File("e.bin")));
        Assert.Equal(0, _server.TotalRequests);
    }

    [Fact]
    public void ExistingFile_Overwrite_ReplacesIt()
    {
        File.WriteAllText(_folder.File("e.bin"), "old");
        var options = Options();
        options.ExistingFiles = ExistingFileMode.Overwrite;

        var outcome = BatchRunner.Run(options, new DownloadRequest(_server.Url("bytes/3000/e.bin?seed=6")));

        Assert.Equal(DownloadStatus.Completed, outcome.Single().Result!.Status);
        FileAssert.Exact(_folder.File("e.bin"), 3000, 6);
        Assert.Equal(new[] { "e.bin" }, _folder.Files());
    }

    [Fact]
    public void ExistingFile_NamedByTheServer_IsNotOverwritten()
    {
        File.WriteAllText(_folder.File("taken.txt"), "old");

        var outcome = BatchRunner.Run(Options(), new DownloadRequest(_server.Url("disposition/3000?name=taken.txt")));

        var finished = outcome.Single();
        Assert.Equal(DownloadErrorKind.ResourceExists, finished.Error!.Kind);
        Assert.Equal("old", File.ReadAllText(_folder.File("taken.txt")));
        Assert.Equal(new[] { "taken.txt" }, _folder.Files());
    }

    [Fact]
    public void Resume_ContinuesAPartFile_WithARangeRequest()
    {
        const int Size = 100_000;
        File.WriteAllBytes(_folder.File("r.bin.part"), TestContent.Bytes(Size / 2, 3));
        var options = Options();
        options.Resume = true;

        var outcome = BatchRunner.Run(options, new DownloadRequest(_server.Url($"bytes/{Size}/r.bin?seed=3")));

        var finished = outcome.Single();
        Assert.True(finished.Error == null, finished.Error?.Message);
        Assert.Equal(206, finished.Result!.StatusCode);
        Assert.Equal(Size, finished.Result.Length);
        var request = Assert.Single(_server.Requests);
        Assert.Equal($"bytes={Size / 2}-", Assert.Contains("Range", request.Headers));
        FileAssert.Exact(_folder.File("r.bin"), Size, 3);
        Assert.Equal(new[] { "r.bin" }, _folder.Files());
    }

    [Fact]
    public void Resume_WithAStaleValidator_RestartsCleanly()
    {
        // The kept validator no longer matches: the server answers 200 and nothing is spliced.
        const int Size = 100_000;
        File.WriteAllBytes(_folder.File("r.bin.part"), TestContent.Bytes(Size / 2, 99));
        File.WriteAllText(_folder.File("r.bin.part.validator"), "\"stale\"");
        var options = Options();
        options.Resume = true;

        var outcome = BatchRunner.Run(options, new DownloadRequest(_server.Url($"bytes/{Size}/r.bin?seed=3")));

        var finished = outcome.Single();
        Assert.True(finished.Error == null, finished.Error?.Message);
        Assert.Equal(200, finished.Result!.StatusCode);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("\"stale\"", Assert.Contains("If-Range", request.Headers));
        FileAssert.Exact(_folder.File("r.bin"), Size, 3);
        Assert.Equal(new[] { "r.bin" }, _folder.Files());
    }

    [Fact]
    public void Resume_FinalFileShorterThanTheServers_IsContinued()
    {
        const int Size = 60_000;
        File.WriteAllBytes(_folder.File("r.bin"), TestContent.Bytes(17_000, 8));
        var options = Options();
        options.Resume = true;

        var outcome = BatchRunner.Run(options, new DownloadRequest(_server.Url($"bytes/{Size}/r.bin?seed=8")));

        var finished = outcome.Single();
        Assert.True(finished.Error == null, finished.Error?.Message);
        Assert.Equal(Size, finished.Result!.Length);
        Assert.Equal("bytes=17000-", Assert.Contains("Range", Assert.Single(_server.Requests).Headers));
        FileAssert.Exact(_folder.File("r.bin"), Size, 8);
        Assert.Equal(new[] { "r.bin" }, _folder.Files());
    }

    [Fact]
    public void Resume_FinalFileAlreadyComplete_IsKeptAsIs()
    {
        const int Size = 60_000;
        File.WriteAllBytes(_folder.File("r.bin"), TestContent.Bytes(Size, 8));
        var options = Options();
        options.Resume = true;

        var outcome = BatchRunner.Run(options, new DownloadRequest(_server.Url($"bytes/{Size}/r.bin?seed=8")));

        var finished = outcome.Single();
        Assert.True(finished.Error == null, finished.Error?.Message);
        Assert.Equal(DownloadStatus.Completed, finished.Result!.Status);
        Assert.Equal(Size, finished.Result.Length);
        Assert.Equal(1, _server.TotalRequests);
        FileAssert.Exact(_folder.File("r.bin"), Size, 8);
        Assert.Equal(new[] { "r.bin" }, _folder.Files());
    }

    [Fact]
    public void NameCollision_InOneBatch_LaterItemFails_FirstFileIntact()
    {
        var first = new DownloadRequest(_server.Url("bytes/4000/same.bin?seed=1"));
        var second = new DownloadRequest(_server.Url("bytes/6000/same.bin?seed=2"));

        var outcome = BatchRunner.Run(Options(), first, second);

        Assert.Equal(DownloadStatus.Completed, outcome.For(first.Uri).Result!.Status);
        var collided = outcome.For(second.Uri);
        Assert.Equal(DownloadStatus.Failed, collided.Result!.Status);
        Assert.Equal(DownloadErrorKind.NameCollision, collided.Error!.Kind);
        Assert.Equal(1, _server.TotalRequests);
        FileAssert.Exact(_folder.File("same.bin"), 4000, 1);
        Assert.Equal(new[] { "same.bin" }, _folder.Files());
    }

    [Fact]
    public void NameCollision_FromTheServer_OneItemWins_NothingIsOverwritten()
    {
        var one = new DownloadRequest(_server.Url("disposition/4000?name=x.txt&seed=1"));
        var two = new DownloadRequest(_server.Url("disposition/6000?name=x.txt&seed=2"));

        var outcome = BatchRunner.Run(Options(), one, two);

        var completed = Assert.Single(outcome.Finished, e => e.Result!.Status == DownloadStatus.Completed);
        var collided = Assert.Single(outcome.Finished, e => e.Result!.Status == DownloadStatus.Failed);
        Assert.Equal(DownloadErrorKind.NameCollision, collided.Error!.Kind);
        var (size, seed) = completed.Request == one ? (4000, 1) : (6000, 2);
        FileAssert.Exact(_folder.File("x.txt"), size, seed);
        Assert.Equal(new[] { "x.txt" }, _folder.Files());
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
        var parts = Enumerable.Range(0, 3).Select(i => _folder.File($"c{i}.bin.part")).ToArray();
        for (var i = 0; i < 3; i++)
        {
            runner.Post(new DownloadRequest(_server.Url($"hold/c/{Size}/c{i}.bin?seed={i}")));
        }

        // The server sends half of each body and holds the rest: wait until every half is on disk.
        await _folder.WaitForAsync(() => parts.All(p => Length(p) >= Size / 2), Timeout, "three half-written part files");
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
                Assert.Equal("\"s" + i + "-200000\"", File.ReadAllText(parts[i] + ".validator"));
            }

            Assert.DoesNotContain(_folder.Files(), f => !f.Contains(".part", StringComparison.Ordinal));
        }
        else
        {
            Assert.Empty(_folder.Files());
        }
    }

    [Fact]
    public async Task Cancel_ThenResume_ContinuesTheKeptPartWithIfRange()
    {
        const int Size = 200_000;
        var options = Options();
        options.Resume = true;
        var uri = _server.Url($"hold/r/{Size}/c.bin?seed=4");
        var part = _folder.File("c.bin.part");
        using (var runner = new BatchRunner(options))
        {
            runner.Post(new DownloadRequest(uri));
            await _folder.WaitForAsync(() => Length(part) >= Size / 2, Timeout, "a half-written part file");
            runner.Batch.Cancel();
            Assert.True(runner.Batch.WaitForWorkers(TimeSpan.FromSeconds(1)));
        }

        var kept = Length(part);
        _server.Release("r");
        var outcome = BatchRunner.Run(options, new DownloadRequest(uri));

        Assert.True(outcome.Single().Error == null, outcome.Single().Error?.Message);
        var retry = _server.Requests[1];
        Assert.Equal($"bytes={kept}-", Assert.Contains("Range", retry.Headers));
        Assert.Equal("\"s4-200000\"", Assert.Contains("If-Range", retry.Headers));
        FileAssert.Exact(_folder.File("c.bin"), Size, 4);
        Assert.Equal(new[] { "c.bin" }, _folder.Files());
    }

    private static long Length(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? info.Length : -1;
    }

    private static string Sha256(byte[] data) => Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();

    private DownloadOptions Options() => BatchRunner.Options(_folder.Path);
}
