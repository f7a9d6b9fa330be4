using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ThrottledFetch.Tests.Commands
{
    /// <summary>Issue 3's behaviours through the real PowerShell engine: faults, Retry-After, stalls, resume, hostile names.</summary>
    public sealed class ResilienceTests : IClassFixture<ModuleHost>
    {
        private readonly ModuleHost host;
        private readonly ITestOutputHelper log;

        public ResilienceTests(ModuleHost host, ITestOutputHelper log)
        {
            this.host = host;
            this.log = log;
        }

        [Fact]
        public async Task FaultedAttempts_AreRetried_AndEveryFileEndsByteExact()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();

            // 40 items; 10 of them fail their first attempt in one of five ways: 10 of 50 attempts (20 %).
            var kinds = new[] { "flaky/{0}/1/{1}/{2}?code=503&seed={3}", "flaky/{0}/1/{1}/{2}?code=429&seed={3}", "reset/{0}/1/{1}/{2}?seed={3}", "truncate/{0}/1/{1}/{2}?seed={3}", "flaky/{0}/1/{1}/{2}?code=500&seed={3}" };
            var urls = new List<string>();
            var sizes = new Dictionary<string, (int Size, int Seed)>();
            for (var i = 0; i < 40; i++)
            {
                var size = 20000 + (i * 7919);
                var name = $"f{i}.bin";
                var path = i % 4 == 0 ? string.Format(kinds[(i / 4) % kinds.Length], "k" + i, size, name, i) : $"bytes/{size}/{name}?seed={i}";
                urls.Add(server.Url(path).ToString());
                sizes[name] = (size, i);
            }

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Limit 4 -RetryIntervalSec 0 -Path $args[1] -Verbose", urls.ToArray(), folder.Path);

            Assert.Empty(run.Errors);
            Assert.Equal(40, run.Results.Count(r => r.Status == "Completed"));
            Assert.Equal(50, server.TotalRequests);
            foreach (var (name, (size, seed)) in sizes)
            {
                Assert.Equal(TestContent.Bytes(size, seed), File.ReadAllBytes(folder.File(name)));
            }

            Assert.Equal(10, run.Results.Count(r => r.Attempts == 2));
            Assert.Equal(10, run.Verbose.Count(v => v.StartsWith("Retry 1 of 3", StringComparison.Ordinal)));
            Assert.DoesNotContain(folder.Files(), f => f.EndsWith(".part", StringComparison.Ordinal));
        }

        [Fact]
        public async Task NotFound_IsTriedOnce()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();

            var run = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1] -RetryIntervalSec 0", server.Url("status/404").ToString(), folder.Path);

            Assert.Equal(1, server.CountRequests("/status/404"));
            Assert.Equal(1, Assert.Single(run.Results).Attempts);
            Assert.Single(run.Errors);
        }

        [Fact]
        public async Task RetryAfter_HoldsBackTheWholeHost_ButNotOtherHosts()
        {
            await using var server = await LoopbackServer.StartAsync();
            await using var other = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var urls = new[]
            {
                server.Url("retry-after/pause/1/100/first.bin?seconds=1").ToString(),
                server.Url("delay/10/100/second.bin").ToString(),
                server.Url("delay/10/100/third.bin").ToString(),
                other.Url("bytes/100/elsewhere.bin").ToString(),
            };

            // -Limit 1 keeps the order: the 429 comes back before the same host's next item may start.
            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Limit 1 -RetryIntervalSec 0 -Path $args[1]", urls, folder.Path);

            Assert.Empty(run.Errors);
            Assert.Equal(4, run.Results.Count(r => r.Status == "Completed"));
            var asked = server.Requests.First().ArrivedAt;
            var sameHostLater = server.Requests.Skip(1).Select(r => r.ArrivedAt).ToList();
            Assert.Equal(3, sameHostLater.Count);
            Assert.All(sameHostLater, at => Assert.True(at - asked >= TimeSpan.FromSeconds(0.9), $"a request came {(at - asked).TotalMilliseconds:0} ms after the 429"));
            var elsewhere = Assert.Single(other.Requests).ArrivedAt;
            Assert.True(elsewhere - asked < TimeSpan.FromSeconds(0.9), $"the other host waited {(elsewhere - asked).TotalMilliseconds:0} ms");
            log.WriteLine($"other host served {(elsewhere - asked).TotalMilliseconds:0} ms after the 429; same host from {(sameHostLater.Min() - asked).TotalMilliseconds:0} ms");
        }

        [Fact]
        public async Task StalledTransfer_FailsWithATimeout_WhileASlowSteadyOneCompletes()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var urls = new[]
            {
                server.Url("stall/10000/stalled.bin?after=1000").ToString(),
                server.Url("slow/12000/steady.bin?chunk=2000&interval=400").ToString(),
            };

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -OperationTimeoutSeconds 1 -MaximumRetryCount 0 -Path $args[1]", urls, folder.Path);

            var error = Assert.Single(run.Errors);
            Assert.StartsWith("DownloadTimeout,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal(System.Management.Automation.ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
            Assert.Contains("stalled.bin", error.Exception.Message, StringComparison.Ordinal);
            Assert.Equal(new[] { "steady.bin" }, folder.Files());
            Assert.Equal(TestContent.Bytes(12000), File.ReadAllBytes(folder.File("steady.bin")));
        }

        [Fact]
        public async Task Resume_SendsARangeRequest_AndTheFileIsExact()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var whole = TestContent.Bytes(100000, 3);
            var url = server.Url("bytes/100000/big.bin?seed=3");
            PartFiles.Leave(folder.File("big.bin"), url, whole.Take(40000).ToArray(), ContentResponse.ETagFor(3, 100000), 100000);

            var run = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1] -Resume", url.ToString(), folder.Path);

            Assert.Empty(run.Errors);
            var request = Assert.Single(server.Requests);
            Assert.Equal("bytes=40000-", request.Headers["Range"]);
            Assert.Equal(206, Assert.Single(run.Results).StatusCode);
            Assert.Equal(whole, File.ReadAllBytes(folder.File("big.bin")));
            Assert.Equal(new[] { "big.bin" }, folder.Files());
        }

        [Theory]
        [InlineData("../../evil.txt", "evil.txt")]
        [InlineData("..\\..\\evil.txt", "evil.txt")]
        [InlineData("/etc/passwd", "passwd")]
        [InlineData("CON", "_CON")]
        public async Task TraversalName_FromTheServer_LandsInsideTheFolder(string hostile, string expected)
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var target = Path.Combine(folder.Path, "inside");

            var run = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1]", server.Url("disposition/100?name=" + Uri.EscapeDataString(hostile)).ToString(), target);

            Assert.Empty(run.Errors);
            Assert.Equal(new[] { Path.Combine("inside", expected) }, folder.Files());
            Assert.Equal(Path.Combine(target, expected), Assert.Single(run.Results).Path);
        }

        [Fact]
        public async Task ExpectedHash_Mismatch_IsAnErrorAndLeavesNoFile()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var script = "[pscustomobject]@{ Url = $args[0]; Sha256 = ('0' * 64) } | Invoke-ThrottledDownload -Path $args[1]";

            var run = Run.Script(host, script, server.Url("bytes/1000/h.bin").ToString(), folder.Path);

            var error = Assert.Single(run.Errors);
            Assert.StartsWith("DownloadHashMismatch,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Empty(folder.Files());
        }
    }
}
