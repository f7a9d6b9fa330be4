using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ThrottledFetch.Tests.Commands
{
    public sealed class StopTests : IClassFixture<ModuleHost>
    {
        private readonly ModuleHost host;
        private readonly ITestOutputHelper log;

        public StopTests(ModuleHost host, ITestOutputHelper log)
        {
            this.host = host;
            this.log = log;
        }

        [Fact]
        public async Task Stop_MidTransfer_ReturnsWithinASecond_AndLeavesNoPartialFile()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var urls = Enumerable.Range(0, 6).Select(i => server.Url($"hold/stop/200000/held{i}.bin").ToString()).ToArray();
            using var shell = host.Create();
            shell.AddScript("$args[0] | Invoke-ThrottledDownload -Limit 3 -Path $args[1]").AddArgument(urls).AddArgument(folder.Path);
            var output = new PSDataCollection<PSObject>();

            var running = shell.BeginInvoke<PSObject, PSObject>(null, output);
            await server.WaitForInFlightAsync(3, TimeSpan.FromSeconds(20));
            await folder.WaitForAsync(() => folder.Files().Count(f => f.EndsWith(".part", StringComparison.Ordinal)) == 3, TimeSpan.FromSeconds(20), "three .part files");

            var clock = Stopwatch.StartNew();
            shell.Stop();
            clock.Stop();
            log.WriteLine($"Stop() took {clock.ElapsedMilliseconds} ms");

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"Stop() took {clock.ElapsedMilliseconds} ms");
            Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
            Assert.Empty(folder.Files());
            Assert.Empty(output);
            server.Release("stop");
        }
    }
}
