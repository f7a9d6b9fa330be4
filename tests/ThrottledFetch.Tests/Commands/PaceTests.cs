using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Tests.Commands
{
    /// <summary>
    /// The learned pace as a user sees it (the rule itself is tested in the engine): a verbose line per
    /// change, the paced host in the overall progress record, and -NoRateLearning to turn it off.
    /// </summary>
    public sealed class PaceTests : IClassFixture<ModuleHost>
    {
        private readonly ModuleHost host;

        public PaceTests(ModuleHost host)
        {
            this.host = host;
        }

        [Fact]
        public async Task RateLimitedHost_IsPaced_SaidInVerboseAndShownInProgress()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var origin = server.BaseUri.GetLeftPart(UriPartial.Authority);
            var urls = Enumerable.Range(0, 40).Select(i => server.Url($"limited/k/100/f{i}.bin?rate=20&burst=3").ToString()).ToArray();

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Limit 4 -Path $args[1] -Verbose", urls, folder.Path);

            Assert.Empty(run.Errors);
            Assert.Equal(40, run.Results.Count(r => r.Status == "Completed"));
            Assert.Contains(run.Verbose, v => v.StartsWith($"Pacing requests to {origin} at ", StringComparison.Ordinal) && v.Contains("refused a request (429)", StringComparison.Ordinal));
            Assert.Contains(run.Progress, p => p.ParentActivityId < 0 && p.StatusDescription.Contains($"paced: {origin} at ", StringComparison.Ordinal));
        }

        [Fact]
        public async Task ASessionKeepsTheLearnedPace_SoALaterCommandStartsPaced()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var origin = server.BaseUri.GetLeftPart(UriPartial.Authority);
            var session = Run.Script(host, "New-ThrottledSession -Limit 4").Output.Single();
            string[] Urls(string prefix) =>
                Enumerable.Range(0, 30).Select(i => server.Url($"limited/k/100/{prefix}{i}.bin?rate=20&burst=3").ToString()).ToArray();
            const string Script = "$args[0] | Invoke-ThrottledDownload -Session $args[1] -Path $args[2] -Verbose";
            try
            {
                var first = Run.Script(host, Script, Urls("a"), session, folder.Path);
                Assert.Contains(first.Verbose, v => v.Contains("after accepting", StringComparison.Ordinal));

                var later = Run.Script(host, Script, Urls("b"), session, folder.Path);

                // The host was paced before the later command's first request: its pace never starts again from a first refusal.
                Assert.Equal(30, later.Results.Count(r => r.Status == "Completed"));
                Assert.DoesNotContain(later.Verbose, v => v.Contains("after accepting", StringComparison.Ordinal));
                Assert.Contains(later.Progress, p => p.ParentActivityId < 0 && p.StatusDescription.Contains($"paced: {origin} at ", StringComparison.Ordinal));
            }
            finally
            {
                Run.Script(host, "Close-ThrottledSession -Session $args[0]", session);
            }
        }

        [Fact]
        public async Task NoRateLearning_OnlyPausesTheHost_AndPacesNothing()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var urls = Enumerable.Range(0, 8).Select(i => server.Url($"limited/k/100/f{i}.bin?rate=20&burst=3").ToString()).ToArray();

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Limit 4 -MaximumRetryCount 10 -NoRateLearning -Path $args[1] -Verbose", urls, folder.Path);

            Assert.Equal(8, run.Results.Count(r => r.Status == "Completed"));
            Assert.True(server.RefusedForRate > 0, "the host refused nothing");
            Assert.Contains(run.Verbose, v => v.Contains("the server asked to wait 1 s", StringComparison.Ordinal));
            Assert.DoesNotContain(run.Verbose, v => v.StartsWith("Pacing", StringComparison.Ordinal));
            Assert.DoesNotContain(run.Progress, p => p.StatusDescription?.Contains("paced:", StringComparison.Ordinal) == true);
        }
    }
}
