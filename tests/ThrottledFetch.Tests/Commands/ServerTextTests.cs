using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Tests.Commands
{
    /// <summary>Text a server chooses reaches errors, verbose lines and results without a control character a terminal would obey.</summary>
    public sealed class ServerTextTests : IClassFixture<ModuleHost>
    {
        private const string Escapes = "\u001b[2J\u001b[31mPWNED";

        private readonly ModuleHost host;

        public ServerTextTests(ModuleHost host)
        {
            this.host = host;
        }

        [Fact]
        public async Task ReasonPhraseWithTerminalEscapes_ReachesTheErrorWithoutThem()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var url = server.Url("reason/404?phrase=" + Uri.EscapeDataString(Escapes)).ToString();

            var run = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1]", url, folder.Path);

            var error = Assert.Single(run.Errors);
            Assert.Contains("404", error.Exception.Message, StringComparison.Ordinal);
            Assert.Contains("PWNED", error.Exception.Message, StringComparison.Ordinal);
            AssertClean(Shown(run));
        }

        [Fact]
        public async Task ErrorBodyWithTerminalEscapes_ReachesTheErrorWithoutThem()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var url = server.Url("status/404?body=" + Uri.EscapeDataString("gone " + Escapes + " \u009b31m")).ToString();

            var run = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1]", url, folder.Path);

            var error = Assert.Single(run.Errors);
            Assert.Contains("PWNED", error.Exception.Message, StringComparison.Ordinal);
            AssertClean(Shown(run));
        }

        [Fact]
        public void C1ControlInAReasonPhrase_IsRemovedFromTheErrorAndTheRetryLine()
        {
            // Kestrel sends reason phrases as ASCII; a raw reply carries the 8-bit CSI (0x9b) a terminal may obey.
            using var server = new RawReplyServer("HTTP/1.1 503 \u009b2J\u009b31mPWNED\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            using var folder = new TempFolder();

            var run = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1] -MaximumRetryCount 1 -RetryIntervalSec 0 -Verbose", server.Url("c1.bin").ToString(), folder.Path);

            var error = Assert.Single(run.Errors);
            Assert.Contains("503", error.Exception.Message, StringComparison.Ordinal);
            Assert.Contains("PWNED", error.Exception.Message, StringComparison.Ordinal);
            Assert.Contains(run.Verbose, v => v.Contains("PWNED", StringComparison.Ordinal));
            AssertClean(Shown(run));
        }

        [Fact]
        public void BrokenStatusLineWithTerminalEscapes_ReachesTheErrorWithoutThem()
        {
            // The HTTP stack quotes a status line it cannot parse in its exception message.
            using var server = new RawReplyServer("HTTP/1.1" + Escapes + "\r\n\r\n");
            using var folder = new TempFolder();

            var run = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1] -MaximumRetryCount 0", server.Url("broken.bin").ToString(), folder.Path);

            var error = Assert.Single(run.Errors);
            Assert.True(error.Exception.Message.Contains("PWNED", StringComparison.Ordinal), error.Exception.Message);
            AssertClean(Shown(run));
        }

        // Everything of the run a person may see: error messages and details, result errors, verbose lines.
        private static IEnumerable<string> Shown(Run run) =>
            run.Errors.SelectMany(e => new[] { e.Exception.Message, e.ErrorDetails?.Message ?? string.Empty, e.ToString() })
                .Concat(run.Results.Select(r => r.Error ?? string.Empty))
                .Concat(run.Verbose);

        private static void AssertClean(IEnumerable<string> texts)
        {
            foreach (var text in texts)
            {
                var bad = text.Where(c => c < 0x20 || (c >= 0x7f && c <= 0x9f)).Select(c => "U+" + ((int)c).ToString("X4")).ToList();
                Assert.True(bad.Count == 0, string.Join(", ", bad) + " in: " + text.Replace("\u001b", "<ESC>", StringComparison.Ordinal));
            }
        }
    }
}
