using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ThrottledFetch.Tests.Commands
{
    /// <summary>
    /// One session shared by commands running at the same time, each on a runspace of its own: together they stay
    /// within its limit (the server's own count), share its Retry-After pauses, and get slots back from a command
    /// that stops or ends early; a closed session stops its commands and refuses new ones.
    /// </summary>
    public sealed class SessionTests : IClassFixture<ModuleHost>
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

        // Emits the URLs into the command, then signals: by then every item has reached the session's gate
        // (posting an item runs up to its first wait there), holding a slot or queued for one.
        private const string PostThenSignal =
            "param($urls, $session, $path, $posted) & { $urls; $null = $posted.Release() } | Invoke-ThrottledDownload -Session $session -Path $path";

        private readonly ModuleHost host;
        private readonly ITestOutputHelper log;

        public SessionTests(ModuleHost host, ITestOutputHelper log)
        {
            this.host = host;
            this.log = log;
        }

        [Fact]
        public async Task TwoPipelines_OnOneSession_TogetherNeverExceedItsLimit()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var session = NewSession("-Limit 3");
            using var one = host.OpenRunspace();
            using var two = host.OpenRunspace();
            using var posted = new SemaphoreSlim(0);
            using var first = RunningScript.Start(one, PostThenSignal, Urls(server, "hold/shared/20000/a{0}.bin", 6), session.Object, folder.Path, posted);
            using var second = RunningScript.Start(two, PostThenSignal, Urls(server, "hold/shared/20000/b{0}.bin", 6), session.Object, folder.Path, posted);
            await Signalled(posted, 2, "both pipelines to post their input");

            // Twelve items from two commands at one gate: three hold its slots, nine queue.
            Assert.Equal(3, session.InFlight);
            Assert.Equal(9, session.Waiting);
            await server.WaitForInFlightAsync(3, Timeout);
            server.Release("shared");
            var a = first.Wait(Timeout);
            var b = second.Wait(Timeout);
            log.WriteLine($"two pipelines on a session with -Limit 3: server peak {server.PeakInFlight}, {server.TotalRequests} requests");

            Assert.Empty(a.Errors.Concat(b.Errors));
            Assert.Equal(12, a.Results.Concat(b.Results).Count(r => r.Status == "Completed"));
            Assert.Equal(3, server.PeakInFlight);
            Assert.Equal(12, server.TotalRequests);
            Assert.Equal((0, 0), (session.InFlight, session.Waiting));
        }

        [Fact]
        public async Task LoopOfSingleCalls_AndAPipeline_ShareTheLimit()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var session = NewSession("-Limit 2");
            using var one = host.OpenRunspace();
            using var two = host.OpenRunspace();
            using var posted = new SemaphoreSlim(0);
            using var calling = new SemaphoreSlim(0);
            using var pipeline = RunningScript.Start(one, PostThenSignal, Urls(server, "hold/loop/20000/p{0}.bin", 4), session.Object, folder.Path, posted);
            await Signalled(posted, 1, "the pipeline to post its input");
            Assert.Equal((2, 2), (session.InFlight, session.Waiting));

            const string Loop = "param($urls, $session, $path, $calling) foreach ($url in $urls) { $null = $calling.Release(); Invoke-ThrottledDownload $url -Session $session -Path $path }";
            using var loop = RunningScript.Start(two, Loop, Urls(server, "bytes/1000/l{0}.bin", 3), session.Object, folder.Path, calling);
            await Signalled(calling, 1, "the loop's first call");
            await session.WaitUntilAsync(s => s.Waiting == 3, Timeout, "the loop's first call to queue behind the pipeline's items");

            // A command of its own, yet held back by the session's limit while the pipeline holds both slots.
            Assert.Equal(0, server.CountRequests("/bytes/"));
            server.Release("loop");
            var p = pipeline.Wait(Timeout);
            var l = loop.Wait(Timeout);
            log.WriteLine($"a loop of 3 single calls beside a pipeline of 4, -Limit 2: server peak {server.PeakInFlight}");

            Assert.Empty(p.Errors.Concat(l.Errors));
            Assert.Equal(4, p.Results.Count(r => r.Status == "Completed"));
            Assert.Equal(3, l.Results.Count(r => r.Status == "Completed"));
            Assert.Equal(2, server.PeakInFlight);
            Assert.Equal(7, server.TotalRequests);
        }

        [Fact]
        public async Task ForEachObjectParallel_RunspacesOnOneSession_TogetherNeverExceedItsLimit()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var session = NewSession("-Limit 3");
            using var runspace = host.OpenRunspace();
            const string Script = @"
                param($session, $base, $path, $manifest)
                1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
                    Import-Module $using:manifest
                    $shared = $using:session
                    $worker = $_
                    1..3 | ForEach-Object { '{0}hold/parallel/20000/w{1}-{2}.bin' -f $using:base, $worker, $_ } |
                        Invoke-ThrottledDownload -Session $shared -Path $using:path
                }";
            using var parallel = RunningScript.Start(runspace, Script, session.Object, server.BaseUri.ToString(), folder.Path, host.ManifestPath);
            await session.WaitUntilAsync(s => s.InFlight + s.Waiting == 12, Timeout, "four runspaces to post three items each");

            Assert.Equal((3, 9), (session.InFlight, session.Waiting));
            await server.WaitForInFlightAsync(3, Timeout);
            server.Release("parallel");
            var run = parallel.Wait(Timeout);
            log.WriteLine($"ForEach-Object -Parallel, 4 runspaces x 3 items, -Limit 3: server peak {server.PeakInFlight}");

            Assert.Empty(run.Errors);
            Assert.Equal(12, run.Results.Count(r => r.Status == "Completed"));
            Assert.Equal(3, server.PeakInFlight);
        }

        [Fact]
        public async Task RetryAfter_FromOnePipeline_PausesTheOther_AndOutlivesIt()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var session = NewSession("-Limit 4");
            using var one = host.OpenRunspace();
            using var two = host.OpenRunspace();
            const string Refused = "param($url, $session, $path) Invoke-ThrottledDownload $url -Session $session -Path $path -Verbose";
            using var refused = RunningScript.Start(one, Refused, server.Url("retry-after/ra/1/100/a.bin?seconds=120").ToString(), session.Object, folder.Path);
            await refused.WaitForVerboseAsync("held back", Timeout);

            using var posted = new SemaphoreSlim(0);
            using var other = RunningScript.Start(two, PostThenSignal, new[] { server.Url("bytes/1000/b.bin").ToString() }, session.Object, folder.Path, posted);
            await Signalled(posted, 1, "the other pipeline to post its item");

            // The same server answers a command on a session of its own at once, so only the pause holds the item back.
            var control = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1]", server.Url("bytes/1000/c.bin").ToString(), folder.Path);
            Assert.Equal("Completed", control.Results.Single().Status);
            Assert.Equal(0, server.CountRequests("/bytes/1000/b.bin"));
            // Both queue behind the pause: the other pipeline's item, and the refused item's own retry.
            Assert.Equal((0, 2), (session.InFlight, session.Waiting));
            var origin = "http://127.0.0.1:" + server.BaseUri.Port;
            Assert.Equal(new[] { origin }, session.PausedHosts);

            other.Stop();
            refused.Stop();

            // Its waiter left the gate with the stop, but the pause is the session's: it stays for the next command.
            Assert.Equal((0, 0), (session.InFlight, session.Waiting));
            Assert.Equal(new[] { origin }, session.PausedHosts);
        }

        [Fact]
        public async Task StoppedPipeline_GivesItsSlotsToTheOtherAtOnce()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var session = NewSession("-Limit 2");
            using var one = host.OpenRunspace();
            using var two = host.OpenRunspace();
            using var posted = new SemaphoreSlim(0);
            using var holding = RunningScript.Start(one, PostThenSignal, Urls(server, "hold/never/20000/h{0}.bin", 2), session.Object, folder.Path, posted);
            await server.WaitForInFlightAsync(2, Timeout);
            using var waiting = RunningScript.Start(two, PostThenSignal, Urls(server, "bytes/1000/w{0}.bin", 3), session.Object, folder.Path, posted);
            await Signalled(posted, 2, "both pipelines to post their input");
            Assert.Equal((2, 3), (session.InFlight, session.Waiting));

            // The held bodies never end: only the stop can free their slots.
            holding.Stop();
            var run = waiting.Wait(Timeout);
            log.WriteLine($"after the stop: server peak {server.PeakInFlight}, {server.CountRequests("/hold/never/")} held requests");

            Assert.Empty(run.Errors);
            Assert.Equal(3, run.Results.Count(r => r.Status == "Completed"));
            Assert.Equal(2, server.CountRequests("/hold/never/"));
            Assert.Equal((0, 0), (session.InFlight, session.Waiting));
            server.Release("never");
        }

        // Select-Object is not in the hosted package (tests/New-ThrottledSession.Tests.ps1 uses it in real pwsh);
        // a break downstream ends the pipeline early through the command's output just as it does.
        [Fact]
        public async Task DownstreamEndsThePipelineEarly_AndLeavesNoSlotTaken()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var session = NewSession("-Limit 2");
            var urls = new[] { server.Url("hold/first/20000/held.bin").ToString(), server.Url("bytes/1000/quick.bin").ToString(), server.Url("hold/first/20000/next.bin").ToString() };

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Session $args[1] -Path $args[2] | ForEach-Object { $_; break }", urls, session.Object, folder.Path);

            Assert.Equal("Completed", run.Results.Single().Status);
            Assert.Equal((0, 0), (session.InFlight, session.Waiting));
            var after = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Session $args[1] -Path $args[2]", server.Url("bytes/1000/after.bin").ToString(), session.Object, folder.Path);
            Assert.Equal("Completed", after.Results.Single().Status);
            server.Release("first");
        }

        [Fact]
        public async Task ClosedSession_RefusesANewCommand_BeforeAnythingIsSent()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var session = NewSession(string.Empty);
            Run.Script(host, "Close-ThrottledSession $args[0]; $args[0].Dispose()", session.Object);

            var run = Run.Script(host, "try { Invoke-ThrottledDownload $args[0] -Session $args[1] -Path $args[2] } catch { $_ }", server.Url("bytes/10/x.bin").ToString(), session.Object, folder.Path);

            var error = Assert.IsType<ErrorRecord>(run.Output.Single().BaseObject);
            Assert.Equal("SessionClosed,ThrottledFetch.Commands.InvokeThrottledDownloadCommand", error.FullyQualifiedErrorId);
            Assert.Contains("is closed (by Close-ThrottledSession or Dispose())", error.Exception.Message, StringComparison.Ordinal);
            Assert.Contains("New-ThrottledSession", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
            Assert.True(session.IsClosed);
            Assert.Equal(0, server.TotalRequests);
        }

        [Fact]
        public async Task ClosedSession_WhileACommandRuns_StopsItWithAClearError()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var session = NewSession("-Limit 2");
            using var runspace = host.OpenRunspace();
            const string Script = "param($urls, $session, $path) try { $urls | Invoke-ThrottledDownload -Session $session -Path $path } catch { $_ }";
            using var running = RunningScript.Start(runspace, Script, Urls(server, "hold/closing/20000/c{0}.bin", 3), session.Object, folder.Path);
            await server.WaitForInFlightAsync(2, Timeout);

            Run.Script(host, "Close-ThrottledSession -Session $args[0]", session.Object);
            var run = running.Wait(Timeout);

            var error = Assert.IsType<ErrorRecord>(run.Output.Single().BaseObject);
            Assert.Equal("SessionClosed,ThrottledFetch.Commands.InvokeThrottledDownloadCommand", error.FullyQualifiedErrorId);
            Assert.Contains("was closed while Invoke-ThrottledDownload ran", error.Exception.Message, StringComparison.Ordinal);
            Assert.Empty(folder.Files());
            Assert.True(session.IsClosed);
            server.Release("closing");
        }

        private SessionView NewSession(string parameters) =>
            new SessionView(Run.Script(host, "New-ThrottledSession " + parameters).Output.Single());

        private static string[] Urls(LoopbackServer server, string pattern, int count) =>
            Enumerable.Range(0, count).Select(i => server.Url(string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, i)).ToString()).ToArray();

        private static async Task Signalled(SemaphoreSlim signal, int count, string what)
        {
            for (var i = 0; i < count; i++)
            {
                Assert.True(await signal.WaitAsync(Timeout), "timed out waiting for " + what);
            }
        }
    }
}
