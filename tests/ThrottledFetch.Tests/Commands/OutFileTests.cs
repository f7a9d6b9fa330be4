using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Tests.Commands
{
    /// <summary>
    /// -OutFile: rooted paths as given, ~/ the home folder, X: an existing FileSystem drive, anything else a literal
    /// name under -Path; a name that cannot be used fails its own item only.
    /// </summary>
    public sealed class OutFileTests : IClassFixture<ModuleHost>
    {
        private const string ByColumnScript = "$args[0] | Invoke-ThrottledDownload -Path $args[1]";

        private readonly ModuleHost host;

        public OutFileTests(ModuleHost host)
        {
            this.host = host;
        }

        [Fact]
        public async Task OutFileWithAColon_IsALiteralNameUnderPath()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();

            var run = Run.Script(host, ByColumnScript, new[] { Item(server, 30, "meeting 10:30.txt") }, folder.Path);

            Assert.Empty(run.Errors);
            Assert.Equal(folder.File("meeting 10:30.txt"), Assert.Single(run.Results).Path);
            Assert.Equal(TestContent.Bytes(30), File.ReadAllBytes(folder.File("meeting 10:30.txt")));
        }

        [Fact]
        public async Task OutFileStartingWithTilde_IsALiteralNameUnderPath_NotInTheCurrentFolder()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            using var current = new TempFolder();
            // The hosted engine has only the core cmdlets: Push-Location and friends are reached through SessionState.
            var script = "$paths = $ExecutionContext.SessionState.Path; $paths.PushCurrentLocation(''); $null = $paths.SetLocation($args[2]); " +
                "try { " + ByColumnScript + " } finally { $null = $paths.PopLocation('') }";

            var run = Run.Script(host, script, new[] { Item(server, 40, "~backup.txt") }, folder.Path, current.Path);

            Assert.Empty(run.Errors);
            Assert.Equal(new[] { "~backup.txt" }, folder.Files());
            Assert.Empty(current.Files());
        }

        [Fact]
        public async Task OutFileUnderTildeSlashOrBackslash_IsInTheHomeFolder()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            using var home = new TempFolder();
            // The FileSystem provider's Home is what PowerShell's own ~ means; point it at a folder the test owns.
            var script = "$provider = $ExecutionContext.SessionState.Provider.GetOne('FileSystem'); $saved = $provider.Home; $provider.Home = $args[2]; " +
                "try { " + ByColumnScript + " } finally { $provider.Home = $saved }";
            var items = new[] { Item(server, 10, "~/h1.bin"), Item(server, 20, "~\\sub\\h2.bin") };

            var run = Run.Script(host, script, items, folder.Path, home.Path);

            Assert.Empty(run.Errors);
            Assert.Empty(folder.Files());
            Assert.Equal(TestContent.Bytes(10), File.ReadAllBytes(home.File("h1.bin")));
            Assert.Equal(TestContent.Bytes(20), File.ReadAllBytes(Path.Combine(home.Path, "sub", "h2.bin")));
        }

        [Fact]
        public async Task OutFileOnAFileSystemDrive_ResolvesThere_AnyOtherPrefixIsPartOfTheName()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var other = Path.Combine(folder.Root, "other");
            Directory.CreateDirectory(other);
            var script = NewDrive("TfOut", "$args[2]") + "try { " + ByColumnScript + " } finally { " + RemoveDrive("TfOut") + " }";
            var items = new[] { Item(server, 10, "TfOut:/sub/d.bin"), Item(server, 20, "Env:e.bin"), Item(server, 30, "nodrive:f.bin") };

            var run = Run.Script(host, script, items, folder.Path, other);

            Assert.Empty(run.Errors);
            Assert.Equal(TestContent.Bytes(10), File.ReadAllBytes(Path.Combine(other, "sub", "d.bin")));
            Assert.Equal(TestContent.Bytes(20), File.ReadAllBytes(folder.File("Env:e.bin")));
            Assert.Equal(TestContent.Bytes(30), File.ReadAllBytes(folder.File("nodrive:f.bin")));
        }

        [Fact]
        public async Task UnusableOutFiles_FailTheirOwnItems_AndEveryItemGetsOneResult()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var script = NewDrive("TfBad", "$args[1]") + "try { " + ByColumnScript + " } finally { " + RemoveDrive("TfBad") + " }";
            var items = new[]
            {
                Item(server, 10, "good1.bin"),
                Item(server, 20, "TfBad:/../escape.bin"), // PowerShell refuses a drive path that leaves the drive's root
                Item(server, 30, "bad\0name.bin"), // the file system refuses NUL
                Item(server, 40, "meeting 10:30.txt"),
                Item(server, 50, "good2.bin"),
            };

            var run = Run.Script(host, script, items, folder.Path);

            Assert.Equal(5, run.Results.Count);
            Assert.Equal(3, run.Results.Count(r => r.Status == "Completed"));
            Assert.Equal(2, run.Errors.Count);
            foreach (var (error, size) in run.Errors.Zip(new[] { 20, 30 }))
            {
                Assert.StartsWith("DownloadInvalidFileName,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
                Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
                Assert.Contains(server.Url($"bytes/{size}/").ToString(), error.Exception.Message, StringComparison.Ordinal);
                Assert.Equal("Failed", new ResultView(error.TargetObject).Status);
            }

            Assert.Equal(new[] { "good1.bin", "good2.bin", "meeting 10:30.txt" }, folder.Files());
        }

        // New-PSDrive and Remove-PSDrive, which the hosted engine does not have.
        private static string NewDrive(string name, string root) =>
            "$drives = $ExecutionContext.SessionState.Drive; $fs = $ExecutionContext.SessionState.Provider.GetOne('FileSystem'); " +
            $"$null = $drives.New([System.Management.Automation.PSDriveInfo]::new('{name}', $fs, {root}, '', $null), 'global'); ";

        private static string RemoveDrive(string name) => $"$ExecutionContext.SessionState.Drive.Remove('{name}', $true, 'global')";

        private static PSObject Item(LoopbackServer server, int size, string outFile)
        {
            var item = new PSObject();
            item.Properties.Add(new PSNoteProperty("Uri", server.Url($"bytes/{size}/n.bin").ToString()));
            item.Properties.Add(new PSNoteProperty("OutFile", outFile));
            return item;
        }
    }
}
