using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Tests.Commands
{
    /// <summary>
    /// What a command may add to a session and what it may not: connection-level parameters beside -Session are
    /// refused, -Headers merge with the session's (the command wins), cookies carry over between commands, and
    /// another runspace removing the module closes nothing.
    /// </summary>
    public sealed class SessionRulesTests : IClassFixture<ModuleHost>
    {
        private readonly ModuleHost host;

        public SessionRulesTests(ModuleHost host)
        {
            this.host = host;
        }

        [Theory]
        [InlineData("-Limit 2", "-Limit is a setting")]
        [InlineData("-TimeoutSec 5", "-ConnectionTimeoutSeconds is a setting")]
        [InlineData("-NoProxy", "-NoProxy is a setting")]
        [InlineData("-MaximumRetryCount 0 -UserAgent x", "-MaximumRetryCount and -UserAgent are settings")]
        [InlineData("-Token ([System.Net.NetworkCredential]::new('', 't').SecurePassword)", "-Token is a setting")]
        public async Task ConnectionParameter_WithSession_IsRefusedBeforeAnythingIsSent(string parameters, string named)
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var script = "$s = New-ThrottledSession; try { Invoke-ThrottledDownload $args[0] -Path $args[1] -Session $s " + parameters + " } catch { $_ }";

            var run = Run.Script(host, script, server.Url("bytes/10/x.bin").ToString(), folder.Path);

            var error = Assert.IsType<ErrorRecord>(run.Output.Single().BaseObject);
            Assert.Equal("ConnectionParameterWithSession,ThrottledFetch.Commands.InvokeThrottledDownloadCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Contains(named + " of the session given with -Session: set ", error.Exception.Message, StringComparison.Ordinal);
            Assert.Contains("New-ThrottledSession", error.Exception.Message, StringComparison.Ordinal);
            Assert.Equal(0, server.TotalRequests);
        }

        [Fact]
        public async Task Headers_MergeWithTheSessions_TheCommandWins_AndStayWithThatCommand()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var script = @"
                $s = New-ThrottledSession -UserAgent 'Ops/2.0' -Headers @{ 'X-Team' = 'ops'; 'X-Trace' = 'session' } -Token ([System.Net.NetworkCredential]::new('', 'tk').SecurePassword) -AllowUnencryptedAuthentication
                Invoke-ThrottledDownload $args[0] -Path $args[2] -Session $s -Headers @{ 'x-trace' = 'call'; 'X-Call' = '1' }
                Invoke-ThrottledDownload $args[1] -Path $args[2] -Session $s";

            var run = Run.Script(host, script, server.Url("bytes/10/one.bin").ToString(), server.Url("bytes/10/two.bin").ToString(), folder.Path);

            Assert.Empty(run.Errors);
            var one = server.Requests.Single(r => r.Path.EndsWith("one.bin", StringComparison.Ordinal));
            Assert.Equal("call", one.Headers["X-Trace"]); // replaced, not "session, call"
            Assert.Equal("1", one.Headers["X-Call"]);
            Assert.Equal("ops", one.Headers["X-Team"]);
            Assert.Equal("Ops/2.0", one.Headers["User-Agent"]);
            Assert.Equal("Bearer tk", one.Headers["Authorization"]);
            var two = server.Requests.Single(r => r.Path.EndsWith("two.bin", StringComparison.Ordinal));
            Assert.Equal("session", two.Headers["X-Trace"]);
            Assert.False(two.Headers.ContainsKey("X-Call"), "one command's header reached the next command on the session");
        }

        [Fact]
        public async Task Cookies_CarryOverBetweenCommandsOnASession_NotWithNoCookiesOrWithoutASession()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var script = @"
                param($base, $path)
                $kept = New-ThrottledSession
                $none = New-ThrottledSession -NoCookies
                Invoke-ThrottledDownload ""${base}cookie/login/k1/10/kept-set.bin"" -Path $path -Session $kept
                Invoke-ThrottledDownload ""${base}bytes/10/kept-next.bin"" -Path $path -Session $kept
                Invoke-ThrottledDownload ""${base}cookie/login/n1/10/none-set.bin"" -Path $path -Session $none
                Invoke-ThrottledDownload ""${base}bytes/10/none-next.bin"" -Path $path -Session $none
                Invoke-ThrottledDownload ""${base}cookie/login/o1/10/own-set.bin"", ""${base}bytes/10/own-next.bin"" -Path $path -Limit 1
                $kept.Cookies.Count";

            var run = Run.Script(host, script, server.BaseUri.ToString(), folder.Path);

            Assert.Empty(run.Errors);
            string? Cookie(string name) =>
                server.Requests.Single(r => r.Path.EndsWith(name, StringComparison.Ordinal)).Headers.TryGetValue("Cookie", out var value) ? value : null;
            Assert.Equal("login=k1", Cookie("kept-next.bin"));
            Assert.Null(Cookie("none-next.bin"));
            Assert.Null(Cookie("own-next.bin"));
            Assert.Equal(1, (int)run.Output.Last().BaseObject);
        }

        [Fact]
        public async Task RemoveModule_InAnotherRunspace_ClosesNothing()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var session = Run.Script(host, "New-ThrottledSession -Limit 2").Output.Single();
            using (var other = host.OpenRunspace())
            {
                using var shell = ModuleHost.Create(other);
                shell.AddScript("param($s) Invoke-ThrottledDownload $args[0] -Session $s -Path $args[1] | Out-Null; Remove-Module ThrottledFetch").AddArgument(session).AddArgument(server.Url("bytes/10/there.bin").ToString()).AddArgument(folder.Path);
                shell.Invoke();
                Assert.Empty(shell.Streams.Error);
            }

            var run = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Session $args[1] -Path $args[2]; $args[1].IsClosed", server.Url("bytes/10/here.bin").ToString(), session, folder.Path);

            Assert.Empty(run.Errors);
            Assert.Equal("Completed", run.Results.Single().Status);
            Assert.False((bool)run.Output.Last().BaseObject);
        }
    }
}
