using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Tests.Commands
{
    /// <summary>What goes on the wire: headers, credentials across redirects, the proxy, the request rate, ranges on retry.</summary>
    public sealed class RequestOptionsTests : IClassFixture<ModuleHost>
    {
        private readonly ModuleHost host;

        public RequestOptionsTests(ModuleHost host)
        {
            this.host = host;
        }

        [Fact]
        public async Task UserAgentHeadersAndCredential_AreSent_ButNotToAnotherPortAfterARedirect()
        {
            await using var origin = await LoopbackServer.StartAsync();
            await using var other = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var url = origin.Url("redirect?to=" + Uri.EscapeDataString(other.Url("bytes/50/moved.bin").ToString())).ToString();
            var script = "Invoke-ThrottledDownload $args[0] -Path $args[1] -OutFile moved.bin -UserAgent 'Probe/1.0' -Headers @{ 'X-Team' = 'ops' } " +
                "-Credential ([pscredential]::new('admin', [System.Net.NetworkCredential]::new('', 'pw').SecurePassword)) -AllowUnencryptedAuthentication";

            var run = Run.Script(host, script, url, folder.Path);

            Assert.Empty(run.Errors);
            var first = Assert.Single(origin.Requests);
            Assert.Equal("Probe/1.0", first.Headers["User-Agent"]);
            Assert.Equal("ops", first.Headers["X-Team"]);
            Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:pw")), first.Headers["Authorization"]);
            var second = Assert.Single(other.Requests);
            Assert.False(second.Headers.ContainsKey("Authorization"), "the credential followed the redirect to another port");
            Assert.False(second.Headers.ContainsKey("X-Team"), "a user header followed the redirect to another port");
            Assert.Equal(TestContent.Bytes(50), File.ReadAllBytes(folder.File("moved.bin")));
        }

        [Fact]
        public async Task Proxy_CarriesTheRequest()
        {
            await using var target = await LoopbackServer.StartAsync();
            await using var proxy = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();

            // The loopback server answers a proxied (absolute-form) request like any other.
            var run = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1] -Proxy $args[2]", target.Url("bytes/70/p.bin").ToString(), folder.Path, proxy.BaseUri);

            Assert.Empty(run.Errors);
            Assert.Equal(0, target.TotalRequests);
            Assert.Equal("/bytes/70/p.bin", Assert.Single(proxy.Requests).Path);
            Assert.Equal(TestContent.Bytes(70), File.ReadAllBytes(folder.File("p.bin")));
        }

        [Fact]
        public async Task RequestsPerSecond_HoldsAnyOneSecondToNPlusOneStartsToTheHost()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var urls = Enumerable.Range(0, 6).Select(i => server.Url($"bytes/10/r{i}.bin").ToString()).ToArray();

            // Arrivals trail starts by a connection's set-up; a first run keeps the JIT out of the timing.
            Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1]", server.Url("bytes/10/warm.bin").ToString(), folder.Path);
            server.ResetCounters();

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Path $args[1] -RequestsPerSecond 4", urls, folder.Path);

            Assert.Empty(run.Errors);
            var starts = server.Requests.Select(r => r.ArrivedAt).OrderBy(t => t).ToList();
            Assert.Equal(6, starts.Count);
            // One start at once, then one per 1/4 s tick: six starts span at least four periods (1 s).
            Assert.True(starts.Last() - starts.First() >= TimeSpan.FromSeconds(0.9), $"six starts took only {(starts.Last() - starts.First()).TotalMilliseconds:0} ms");
            Assert.All(starts, first => Assert.True(starts.Count(t => t >= first && t < first + TimeSpan.FromSeconds(0.9)) <= 5, "more than N+1 starts in one second"));
        }

        [Fact]
        public async Task RetryAfterAPartialBody_ContinuesWithRangeAndIfRange()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();

            var run = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1] -RetryIntervalSec 0", server.Url("reset/cut/1/80000/cut.bin?after=30000").ToString(), folder.Path);

            Assert.Empty(run.Errors);
            Assert.Equal(2, server.Requests.Count);
            var retry = server.Requests[1];
            Assert.Equal("bytes=30000-", retry.Headers["Range"]);
            Assert.True(retry.Headers.ContainsKey("If-Range"), "the retry did not send If-Range");
            Assert.Equal(TestContent.Bytes(80000), File.ReadAllBytes(folder.File("cut.bin")));
        }
    }
}
