using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ThrottledFetch.Tests.Commands
{
    public sealed class HeadlineTests : IClassFixture<ModuleHost>
    {
        private readonly ModuleHost host;
        private readonly ITestOutputHelper log;

        public HeadlineTests(ModuleHost host, ITestOutputHelper log)
        {
            this.host = host;
            this.log = log;
        }

        [Fact]
        public async Task ThirtyUrls_LimitThree_ServerSeesExactlyThreeAndEveryFileIsExact()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var urls = Enumerable.Range(1, 30).Select(i => server.Url($"delay/60/{1000 + (i * 3001)}/file{i}.bin?seed={i}").ToString()).ToArray();

            var clock = Stopwatch.StartNew();
            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Limit 3 -Path $args[1]", urls, folder.Path);
            clock.Stop();
            log.WriteLine($"30 URLs, -Limit 3: server peak {server.PeakInFlight}, {clock.Elapsed.TotalSeconds:0.00} s");

            Assert.Empty(run.Errors);
            Assert.Equal(3, server.PeakInFlight);
            Assert.Equal(30, run.Results.Count);
            Assert.All(run.Results, r => Assert.Equal("Completed", r.Status));
            for (var i = 1; i <= 30; i++)
            {
                var expected = TestContent.Bytes(1000 + (i * 3001), i);
                Assert.Equal(expected, File.ReadAllBytes(folder.File($"file{i}.bin")));
            }

            Assert.DoesNotContain(folder.Files(), f => f.EndsWith(".part", StringComparison.Ordinal));
            var one = run.Results.Single(r => r.Path == folder.File("file7.bin"));
            Assert.Equal(200, one.StatusCode);
            Assert.Equal(1000 + (7 * 3001), one.Length);
            Assert.Equal(1, one.Attempts);
            Assert.Equal(new Uri(urls[6]), one.Uri);
        }

        [Fact]
        public async Task SlowProducer_ResultsArriveBeforeInputEnds()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            using var shell = host.Create();
            shell.AddCommand("Invoke-ThrottledDownload").AddParameter("Limit", 2).AddParameter("Path", folder.Path);
            var input = new PSDataCollection<PSObject>();
            var output = new PSDataCollection<PSObject>();
            using var first = new SemaphoreSlim(0);
            output.DataAdded += (_, _) => first.Release();

            var running = shell.BeginInvoke(input, output);
            input.Add(new PSObject(server.Url("bytes/5000/early.bin").ToString()));
            await folder.WaitForAsync(() => folder.Files().Contains("early.bin"), TimeSpan.FromSeconds(20), "early.bin");

            // The next item's arrival is when the pipeline thread writes what has finished.
            input.Add(new PSObject(server.Url("hold/late/7000/late.bin").ToString()));
            Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(20)), "no result while the input was still open");
            Assert.False(running.IsCompleted);
            var early = new ResultView(output[0]);
            Assert.Equal("Completed", early.Status);
            Assert.EndsWith("early.bin", early.Path, StringComparison.Ordinal);

            server.Release("late");
            input.Complete();
            shell.EndInvoke(running);
            Assert.Equal(2, output.Count);
            Assert.Equal(7000, new FileInfo(folder.File("late.bin")).Length);
        }

        [Fact]
        public async Task LimitPerHost_CapsEachHostWithoutIdlingTheOthers()
        {
            await using var one = await LoopbackServer.StartAsync();
            await using var two = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var urls = new List<string>();
            for (var i = 0; i < 8; i++)
            {
                urls.Add(one.Url($"delay/80/1000/a{i}.bin").ToString());
            }

            for (var i = 0; i < 8; i++)
            {
                urls.Add(two.Url($"delay/80/1000/b{i}.bin").ToString());
            }

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Limit 4 -LimitPerHost 2 -Path $args[1]", urls.ToArray(), folder.Path);

            Assert.Empty(run.Errors);
            Assert.Equal(16, run.Results.Count);
            Assert.Equal(2, one.PeakInFlight);
            Assert.Equal(2, two.PeakInFlight);
        }

        [Fact]
        public async Task PropertyNames_BindUrlOutFileAndUriObjects()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var script = @"
                $rows = @(
                    [pscustomobject]@{ Url = $args[0]; OutFile = 'sub/renamed.bin' }
                    [pscustomobject]@{ Href = [uri]$args[1] }
                )
                $rows | Invoke-ThrottledDownload -Path $args[2]
                [uri]$args[3] | Invoke-ThrottledDownload -Path $args[2]";
            var run = Run.Script(host, script, server.Url("bytes/100/a.bin").ToString(), server.Url("bytes/200/b.bin").ToString(), folder.Path, server.Url("bytes/300/c%20d.bin").ToString());

            Assert.Empty(run.Errors);
            Assert.Equal(new[] { "b.bin", "c d.bin", Path.Combine("sub", "renamed.bin") }, folder.Files());
            Assert.Equal(100, new FileInfo(folder.File(Path.Combine("sub", "renamed.bin"))).Length);
        }

        [Fact]
        public async Task DefaultPath_IsTheCurrentPowerShellLocation()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var script = "$ExecutionContext.SessionState.Path.PushCurrentLocation(''); $ExecutionContext.SessionState.Path.SetLocation($args[1]) | Out-Null; try { Invoke-ThrottledDownload $args[0] } finally { $ExecutionContext.SessionState.Path.PopLocation('') | Out-Null }";
            var run = Run.Script(host, script, server.Url("bytes/64/here.bin").ToString(), folder.Path);

            Assert.Empty(run.Errors);
            Assert.Equal(folder.File("here.bin"), run.Results.Single().Path);
        }
    }
}
