using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Tests.Commands
{
    public sealed class ProgressTests : IClassFixture<ModuleHost>
    {
        private readonly ModuleHost host;

        public ProgressTests(ModuleHost host)
        {
            this.host = host;
        }

        [Fact]
        public async Task SlowFile_GetsAChildRecordUnderTheOverallOne_AndEveryChildIsCompleted()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var urls = new[]
            {
                server.Url("slow/20000/slow.bin?chunk=2000&interval=100").ToString(),
                server.Url("bytes/100/fast1.bin").ToString(),
                server.Url("bytes/100/fast2.bin").ToString(),
            };

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Path $args[1]", urls, folder.Path);

            Assert.Empty(run.Errors);
            var overall = run.Progress.Where(p => p.ParentActivityId < 0).ToList();
            Assert.NotEmpty(overall);
            var overallId = overall.First().ActivityId;
            Assert.All(overall, p => Assert.Equal(overallId, p.ActivityId));
            Assert.Equal(ProgressRecordType.Completed, overall.Last().RecordType);

            var children = run.Progress.Where(p => p.ParentActivityId == overallId).GroupBy(p => p.ActivityId).ToList();
            var slow = Assert.Single(children, g => g.First().Activity == "slow.bin");
            Assert.Contains(slow, p => p.RecordType == ProgressRecordType.Processing && p.PercentComplete is > 0 and < 100);
            Assert.All(children, g => Assert.Equal(ProgressRecordType.Completed, g.Last().RecordType));
            Assert.All(children, g => Assert.Single(g, p => p.RecordType == ProgressRecordType.Completed));
        }

        [Fact]
        public async Task QueuedFile_GetsNoChildRecordUntilItsRequestStarts()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var urls = new[]
            {
                server.Url("slow/6000/first.bin?chunk=1000&interval=150").ToString(),
                server.Url("slow/6000/second.bin?chunk=1000&interval=150").ToString(),
            };

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Limit 1 -Path $args[1]", urls, folder.Path);

            Assert.Empty(run.Errors);
            var firstDone = run.Progress.FindIndex(p => p.Activity == "first.bin" && p.RecordType == ProgressRecordType.Completed);
            var secondShown = run.Progress.FindIndex(p => p.Activity == "second.bin");
            Assert.True(firstDone >= 0 && secondShown >= 0, "both files should have been shown");
            Assert.True(secondShown > firstDone, "the queued file was shown as active while it waited for the only slot");
            Assert.DoesNotContain(run.Progress, p => p.ParentActivityId < 0 && p.StatusDescription.Contains("2 active", System.StringComparison.Ordinal));
        }

        [Fact]
        public async Task ItemWaitingForItsRetry_IsCountedAsWaiting_NotShownAsATransfer()
        {
            // Retry-After: 1 pauses the host for exactly a second (no jitter), several progress updates long.
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var url = server.Url("retry-after/w/1/1000/w.bin?seconds=1").ToString();

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Path $args[1]", new[] { url }, folder.Path);

            Assert.Empty(run.Errors);
            Assert.Equal("Completed", Assert.Single(run.Results).Status);
            Assert.Contains(run.Progress, p => p.ParentActivityId < 0 && p.StatusDescription.Contains("0 active, 1 waiting", System.StringComparison.Ordinal));

            // No update shows the item as a transfer while it counts as waiting.
            ProgressRecord? overall = null;
            foreach (var record in run.Progress)
            {
                if (record.ParentActivityId < 0)
                {
                    overall = record;
                }
                else if (record.RecordType == ProgressRecordType.Processing)
                {
                    Assert.DoesNotContain("waiting", overall!.StatusDescription, System.StringComparison.Ordinal);
                }
            }

            var children = run.Progress.Where(p => p.ParentActivityId >= 0).GroupBy(p => p.ActivityId).ToList();
            Assert.All(children, g => Assert.Equal(ProgressRecordType.Completed, g.Last().RecordType));
        }

        [Fact]
        public async Task ProgressPreferenceSilentlyContinue_WritesNoProgress()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var run = Run.Script(host, "$ProgressPreference = 'SilentlyContinue'; Invoke-ThrottledDownload $args[0] -Path $args[1]", server.Url("slow/6000/s.bin?chunk=1000&interval=100").ToString(), folder.Path);

            Assert.Empty(run.Errors);
            Assert.Single(run.Results);
            Assert.Empty(run.Progress);
        }
    }
}
