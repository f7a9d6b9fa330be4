using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Tests.Commands
{
    public sealed class ExistingFileTests : IClassFixture<ModuleHost>
    {
        private readonly ModuleHost host;

        public ExistingFileTests(ModuleHost host)
        {
            this.host = host;
        }

        [Fact]
        public async Task ExistingFile_IsKeptAndReported_WithoutForce()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            File.WriteAllText(folder.File("mine.txt"), "keep me");

            var run = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1]", server.Url("bytes/500/mine.txt").ToString(), folder.Path);

            var error = Assert.Single(run.Errors);
            Assert.StartsWith("ResourceExists,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal(System.Management.Automation.ErrorCategory.ResourceExists, error.CategoryInfo.Category);
            Assert.Contains(folder.File("mine.txt"), error.Exception.Message, StringComparison.Ordinal);
            Assert.Equal("keep me", File.ReadAllText(folder.File("mine.txt")));
            Assert.Equal(0, server.TotalRequests);
        }

        [Fact]
        public async Task SkipExisting_ReportsSkippedAndSendsNothing()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            File.WriteAllText(folder.File("mine.txt"), "keep me");

            var run = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1] -SkipExisting", server.Url("bytes/500/mine.txt").ToString(), folder.Path);

            Assert.Empty(run.Errors);
            var result = Assert.Single(run.Results);
            Assert.Equal("Skipped", result.Status);
            Assert.Equal(7, result.Length);
            Assert.Equal("keep me", File.ReadAllText(folder.File("mine.txt")));
            Assert.Equal(0, server.TotalRequests);
        }

        [Fact]
        public async Task Force_ReplacesTheFile()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            File.WriteAllText(folder.File("mine.txt"), "old");

            var run = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1] -Force", server.Url("bytes/500/mine.txt").ToString(), folder.Path);

            Assert.Empty(run.Errors);
            Assert.Equal(TestContent.Bytes(500), File.ReadAllBytes(folder.File("mine.txt")));
        }

        [Fact]
        public async Task WhatIf_SendsNothingAndWritesNothing()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var target = Path.Combine(folder.Path, "new-folder");
            var urls = Enumerable.Range(0, 5).Select(i => server.Url($"bytes/100/w{i}.bin").ToString()).ToArray();

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Path $args[1] -WhatIf", urls, target);

            Assert.Empty(run.Errors);
            Assert.Empty(run.Results);
            Assert.Equal(0, server.TotalRequests);
            Assert.False(Directory.Exists(target));
        }

        [Fact]
        public async Task MissingFolder_IsCreated_AndPowerShellPathsResolve()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var script = "$drive = [System.Management.Automation.PSDriveInfo]::new('TfTest', $ExecutionContext.SessionState.Provider.GetOne('FileSystem'), $args[1], '', $null); " +
                "$ExecutionContext.SessionState.Drive.New($drive, 'global') | Out-Null; Invoke-ThrottledDownload $args[0] -Path TfTest:/deep/er";
            var run = Run.Script(host, script, server.Url("bytes/10/x.bin").ToString(), folder.Path);

            Assert.Empty(run.Errors);
            Assert.True(File.Exists(Path.Combine(folder.Path, "deep", "er", "x.bin")));
        }
    }
}
