using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Tests.Commands
{
    /// <summary>
    /// A hostile folder and a hostile server: nothing is written through a link, server names plant no
    /// dotfile, one item's part never clobbers another's file, and a Completed result is always true.
    /// </summary>
    public sealed class IntegrityTests : IClassFixture<ModuleHost>
    {
        private const string Download = "Invoke-ThrottledDownload $args[0] -Path $args[1]";
        private readonly ModuleHost host;

        public IntegrityTests(ModuleHost host)
        {
            this.host = host;
        }

        [Theory]
        [InlineData("")]
        [InlineData(" -Resume")]
        public async Task AStalePartThatIsALink_IsReplaced_AndItsTargetUntouched(string resume)
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var outside = OutsideFile(folder, "precious");
            var url = server.Url("bytes/3000/g.bin?seed=2");
            File.CreateSymbolicLink(PartFiles.Of(folder.File("g.bin"), url), outside);

            var run = Run.Script(host, Download + resume, url.ToString(), folder.Path);

            Assert.Empty(run.Errors);
            Assert.Equal("precious", File.ReadAllText(outside));
            Assert.Null(new FileInfo(folder.File("g.bin")).LinkTarget);
            Assert.Equal(TestContent.Bytes(3000, 2), File.ReadAllBytes(folder.File("g.bin")));
        }

        [Fact]
        public async Task AValidatorThatIsALink_IsReplaced_AndItsTargetUntouched()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var outside = OutsideFile(folder, "precious");
            var url = server.Url("hold/h/100000/h.bin?seed=4");
            var validator = PartFiles.ValidatorOf(folder.File("h.bin"), url);
            File.CreateSymbolicLink(validator, outside);

            using var shell = host.Create();
            shell.AddScript(Download + " -Resume").AddArgument(url.ToString()).AddArgument(folder.Path);
            var running = shell.BeginInvoke();
            await folder.WaitForAsync(() => new FileInfo(validator).LinkTarget == null && File.Exists(validator), TimeSpan.FromSeconds(20), "the validator written in place of the link");
            server.Release("h");
            shell.EndInvoke(running);

            Assert.Equal("precious", File.ReadAllText(outside));
            Assert.Equal(TestContent.Bytes(100000, 4), File.ReadAllBytes(folder.File("h.bin")));
        }

        [Fact]
        public async Task AFinalNameThatIsALink_IsNeverContinuedByResume()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var outside = OutsideFile(folder, "precious");
            File.CreateSymbolicLink(folder.File("f.bin"), outside);

            var run = Run.Script(host, Download + " -Resume", server.Url("bytes/3000/f.bin").ToString(), folder.Path);

            Assert.StartsWith("ResourceExists,", Assert.Single(run.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal("precious", File.ReadAllText(outside));
            Assert.Equal(0, server.TotalRequests);
        }

        [Theory]
        [InlineData(".bashrc", "bashrc")]
        [InlineData("...profile", "profile")]
        [InlineData("invoice\u202Efdp.exe", "invoicefdp.exe")]
        [InlineData("a\u200Bb\u2066.txt", "ab.txt")]
        public async Task AServerChosenName_PlantsNoDotfile_AndCarriesNoInvisibleCharacters(string served, string saved)
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();

            var run = Run.Script(host, Download, server.Url("disposition/100?star=" + Uri.EscapeDataString(served)).ToString(), folder.Path);

            Assert.Empty(run.Errors);
            Assert.Equal(new[] { saved }, folder.Files());
            Assert.Equal(folder.File(saved), Assert.Single(run.Results).Path);
        }

        [Fact]
        public async Task AServerNameThatIsAnotherLiveItemsPartName_Collides_AndNothingIsClobbered()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var slow = server.Url("delay/300/4000/a.bin?seed=1");
            var partName = Path.GetFileName(PartFiles.Of(folder.File("a.bin"), slow));
            var other = server.Url("bytes/2000/" + partName + "?seed=2");

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Path $args[1]", new[] { slow.ToString(), other.ToString() }, folder.Path);

            // The second may not save under a name the first's live part holds: nothing is clobbered.
            Assert.StartsWith("DownloadNameCollision,", Assert.Single(run.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
            var saved = Assert.Single(run.Results, r => r.Status == "Completed");
            Assert.Equal(folder.File("a.bin"), saved.Path);
            Assert.Equal(4000, saved.Length);
            Assert.Equal(TestContent.Bytes(4000, 1), File.ReadAllBytes(folder.File("a.bin")));
            Assert.Equal(new[] { "a.bin" }, folder.Files());
        }

        [Fact]
        public async Task PlannedNamesThatDifferOnlyInADotPart_NeverShareAFile()
        {
            // /delay/.../a.bin writes a.bin.<tag>.part, /bytes/.../a.bin.part is a file of its own: both whole.
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var first = server.Url("delay/200/4000/a.bin?seed=1").ToString();
            var second = server.Url("bytes/3000/a.bin.part?seed=2").ToString();

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Path $args[1]", new[] { first, second }, folder.Path);

            Assert.Empty(run.Errors);
            Assert.All(run.Results, r => Assert.Equal("Completed", r.Status));
            Assert.Equal(TestContent.Bytes(4000, 1), File.ReadAllBytes(folder.File("a.bin")));
            Assert.Equal(TestContent.Bytes(3000, 2), File.ReadAllBytes(folder.File("a.bin.part")));
        }

        [Fact]
        public async Task ACompletedResultsLength_IsTheLengthOfTheFileAtItsPath()
        {
            // A server names a file "c.bin.part" while c.bin streams, under -Force: each file is whole.
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var big = server.Url("delay/200/2097152/c.bin?seed=3").ToString();
            var named = server.Url("disposition/23?name=c.bin.part").ToString();

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Path $args[1] -Force", new[] { big, named }, folder.Path);

            Assert.Empty(run.Errors);
            foreach (var result in run.Results)
            {
                Assert.Equal("Completed", result.Status);
                Assert.Equal(new FileInfo(result.Path!).Length, result.Length);
            }

            Assert.Equal(TestContent.Bytes(2097152, 3), File.ReadAllBytes(folder.File("c.bin")));
        }

        [Fact]
        public async Task ServerNamesThatDiffer_AreClaimedWhenTheResponseSaysThem()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var one = server.Url("disposition/100?star=one.txt&seed=1").ToString();
            var two = server.Url("disposition/200?star=two.txt&seed=2").ToString();
            var three = server.Url("disposition/300?star=one.txt&seed=3").ToString();

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Path $args[1] -Limit 1", new[] { one, two, three }, folder.Path);

            Assert.Equal(new[] { "one.txt", "two.txt" }, folder.Files());
            Assert.Equal(TestContent.Bytes(100, 1), File.ReadAllBytes(folder.File("one.txt")));
            var error = Assert.Single(run.Errors);
            Assert.StartsWith("DownloadNameCollision,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Contains("disposition/300", error.Exception.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task ARepeatedUrl_IsFetchedOnce_AndItsRepeatIsSkippedAfterIt()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var url = server.Url("delay/100/500/r.bin").ToString();

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Path $args[1] -Verbose", new[] { url, url, url }, folder.Path);

            Assert.Empty(run.Errors);
            Assert.Equal(1, server.TotalRequests);
            Assert.Equal(new[] { "Completed", "Skipped", "Skipped" }, run.Results.Select(r => r.Status));
            Assert.All(run.Results.Skip(1), r => Assert.Null(r.Error));
            Assert.All(run.Results, r => Assert.Equal(folder.File("r.bin"), r.Path));
            Assert.Contains(run.Verbose, v => v.Contains("repeats an earlier item", StringComparison.Ordinal));
        }

        [Fact]
        public async Task ARepeatOfAFailedUrl_FailsPointingToTheOriginal()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var url = server.Url("status/404").ToString();

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Path $args[1]", new[] { url, url }, folder.Path);

            Assert.Equal(1, server.TotalRequests);
            Assert.Equal(new[] { "Failed", "Failed" }, run.Results.Select(r => r.Status));
            Assert.Contains("repeats an earlier item", run.Errors[1].Exception.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task ARepeatInASkipExistingRerun_IsSkippedWithoutARequest()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            File.WriteAllText(folder.File("s.bin"), "kept");
            var url = server.Url("bytes/500/s.bin").ToString();

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Path $args[1] -SkipExisting", new[] { url, url }, folder.Path);

            Assert.Empty(run.Errors);
            Assert.Equal(0, server.TotalRequests);
            Assert.Equal(new[] { "Skipped", "Skipped" }, run.Results.Select(r => r.Status));
        }

        [Fact]
        public async Task EveryResultNamesItsInput_EvenALineThatIsNoUrl()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var good = server.Url("bytes/10/ok.bin").ToString();

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Path $args[1]", new[] { "not a url", "  " + good + "  " }, folder.Path);

            Assert.Equal(new[] { "not a url", good }, run.Results.Select(r => r.Input ?? string.Empty).OrderBy(i => i.Length));
            var error = Assert.Single(run.Errors);
            Assert.Equal("not a url", error.CategoryInfo.TargetName);
        }

        [Fact]
        public async Task AFailureAfterAResponse_KeepsItsStatusCode_AndNamesTheUrl()
        {
            // The response came (200); the rename fails because a folder holds the server's name.
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            Directory.CreateDirectory(folder.File("taken.txt"));
            var url = server.Url("disposition/100?star=taken.txt").ToString();

            var run = Run.Script(host, Download + " -Force", url, folder.Path);

            var result = Assert.Single(run.Results);
            Assert.Equal("Failed", result.Status);
            Assert.Equal(200, result.StatusCode);
            Assert.Contains(url, Assert.Single(run.Errors).Exception.Message, StringComparison.Ordinal);
        }

        private static string OutsideFile(TempFolder folder, string text)
        {
            var outside = Path.Combine(folder.Root, "outside-" + Guid.NewGuid().ToString("N") + ".txt");
            File.WriteAllText(outside, text);
            return outside;
        }
    }
}
