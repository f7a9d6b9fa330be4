using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Tests.Commands
{
    /// <summary>Header names and values that could split a request, or that HTTP cannot carry, stop the command before anything is sent.</summary>
    public sealed class HeaderValueTests : IClassFixture<ModuleHost>
    {
        private const string HeadersScript =
            "try { Invoke-ThrottledDownload $args[0] -Path $args[1] -Headers @{ $args[2] = $args[3] } -RetryIntervalSec 0 } catch { $_ }";

        private readonly ModuleHost host;

        public HeaderValueTests(ModuleHost host)
        {
            this.host = host;
        }

        [Fact]
        public async Task HeaderValueWithCrLf_IsRefusedBeforeAnyRequest_SoNoSecondRequestIsSmuggled()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();

            var run = Run.Script(host, HeadersScript, server.Url("bytes/10/x.bin").ToString(), folder.Path, "X-A", "a\r\n\r\nGET /echo/SMUGGLED HTTP/1.1\r\nHost: x");

            AssertRefused(run, "InvalidHeaderValue", "X-A");
            Assert.DoesNotContain(server.Requests, r => r.Path.Contains("SMUGGLED", StringComparison.Ordinal));
            Assert.Equal(0, server.TotalRequests);
            Assert.Empty(folder.Files());
        }

        [Fact]
        public async Task UserAgentWithABareLineFeed_IsRefusedBeforeAnyRequest()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var script = "try { Invoke-ThrottledDownload $args[0] -Path $args[1] -UserAgent $args[2] } catch { $_ }";

            var run = Run.Script(host, script, server.Url("bytes/10/x.bin").ToString(), folder.Path, "Probe/1.0\nX-Injected: yes");

            AssertRefused(run, "InvalidHeaderValue", "User-Agent");
            Assert.Equal(0, server.TotalRequests);
        }

        [Fact]
        public async Task NonAsciiHeaderValue_IsRefusedUpFront_NotRetriedAsANetworkFailure()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();

            var run = Run.Script(host, HeadersScript, server.Url("bytes/10/x.bin").ToString(), folder.Path, "X-Team", "Müller");

            AssertRefused(run, "InvalidHeaderValue", "X-Team");
            Assert.Empty(run.Results);
            Assert.Equal(0, server.TotalRequests);
        }

        [Fact]
        public async Task TokenWithALineFeed_IsRefusedBeforeAnyRequest_WithoutQuotingIt()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var script = "try { Invoke-ThrottledDownload $args[0] -Path $args[1] -AllowUnencryptedAuthentication " +
                "-Token ([System.Net.NetworkCredential]::new('', $args[2]).SecurePassword) } catch { $_ }";

            var run = Run.Script(host, script, server.Url("bytes/10/x.bin").ToString(), folder.Path, "secret\nX-Injected: yes");

            AssertRefused(run, "InvalidHeaderValue", "Authorization");
            Assert.DoesNotContain("secret", run.Output.Single().ToString(), StringComparison.Ordinal);
            Assert.Equal(0, server.TotalRequests);
        }

        [Theory]
        [InlineData("X-A", "a\0b", "InvalidHeaderValue", "X-A")]
        [InlineData("X-A", "a\rb", "InvalidHeaderValue", "X-A")]
        [InlineData("X-A\r\nX-B", "b", "InvalidHeaderName", "X-A\uFFFD\uFFFDX-B")]
        [InlineData("X A", "b", "InvalidHeaderName", "X A")]
        [InlineData("X-A:", "b", "InvalidHeaderName", "X-A:")]
        public async Task InvalidHeader_IsATerminatingParameterErrorNamingTheHeader(string name, string value, string id, string shown)
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();

            var run = Run.Script(host, HeadersScript, server.Url("bytes/10/x.bin").ToString(), folder.Path, name, value);

            AssertRefused(run, id, shown);
            Assert.Equal(0, server.TotalRequests);
        }

        private static void AssertRefused(Run run, string id, string header)
        {
            var error = run.Output.Select(o => o.BaseObject).OfType<ErrorRecord>().SingleOrDefault();
            Assert.True(error != null, "no terminating error; output: " + string.Join(", ", run.Output) + "; errors: " + string.Join(" | ", run.Errors));
            Assert.StartsWith(id + ",", error!.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Contains("'" + header + "'", error.Exception.Message, StringComparison.Ordinal);
        }
    }
}
