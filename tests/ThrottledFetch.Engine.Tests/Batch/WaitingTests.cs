using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Batch;

/// <summary>
/// Items waiting for a backoff hold neither a slot nor the input window: the server keeps seeing the
/// limit while many others retry. The backoff runs on fake time, so nothing sleeps: the failing items
/// stay waiting until the test moves the clock.
/// </summary>
public sealed class WaitingTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Backoff = TimeSpan.FromSeconds(10);

    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new();
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task ItemsInABackoff_LeaveTheWindow_SoHealthyItemsBehindThemKeepTheLimitFull()
    {
        const int Limit = 4;
        const int Failing = 50;
        const int Healthy = 6;
        var options = Options(Limit);
        using var runner = new BatchRunner(options);
        var batch = runner.Batch;

        // Twice the window fails first: with backoffs holding the window, input would stop halfway.
        Assert.True(Failing > 2 * batch.Capacity);
        var failing = Enumerable.Range(0, Failing).Select(i => new DownloadRequest(_server.Url($"flaky/f{i}/1/1000/f{i}.bin?seed={i}"))).ToArray();
        var healthy = Enumerable.Range(0, Healthy).Select(i => new DownloadRequest(_server.Url($"hold/h/4000/h{i}.bin?seed={100 + i}"))).ToArray();
        foreach (var request in failing.Concat(healthy))
        {
            runner.Post(request, Timeout);
        }

        // Every failing item had its first attempt and now waits on the (fake) clock; the healthy
        // ones fill every slot.
        await _server.WaitForInFlightAsync(Limit, Timeout);
        runner.WaitUntil(() => batch.Waiting == Failing, Timeout, "every failing item to wait for its backoff");

        // The slots the last failing items freed went to healthy items, whose requests may still be on the way.
        await _server.WaitForInFlightAsync(Limit, Timeout);
        Assert.Equal(Failing, _server.CountRequests("/flaky/"));
        Assert.Equal(Limit, _server.InFlight);
        Assert.Equal(Limit, _server.PeakInFlight);
        Assert.Empty(runner.Finished);

        // Waiting items are not shown as transfers.
        Assert.Equal(Limit, batch.Active.Count);
        Assert.All(batch.Active, t => Assert.Contains("/hold/", t.Uri.AbsolutePath, StringComparison.Ordinal));

        _server.Release("h");
        runner.WaitUntil(() => runner.Finished.Count == Healthy, Timeout, "the healthy items to end");
        CompleteMovingTheClock(runner, Backoff);

        Assert.Equal(0, batch.Waiting);
        Assert.Equal(Failing + Healthy, runner.Finished.Count);
        Assert.All(runner.Finished, e => Assert.Equal(DownloadStatus.Completed, e.Result!.Status));
        for (var i = 0; i < Failing; i++)
        {
            Assert.Equal(2, runner.Finished.Single(e => e.Item!.Uri == failing[i].Uri).Result!.Attempts);
            FileAssert.Exact(_folder.File($"f{i}.bin"), 1000, i);
        }

        for (var i = 0; i < Healthy; i++)
        {
            FileAssert.Exact(_folder.File($"h{i}.bin"), 4000, 100 + i);
        }

        Assert.Equal(Limit, _server.PeakInFlight);
        Assert.Equal((2 * Failing) + Healthy, _server.TotalRequests);
    }

    [Fact]
    public async Task ItemsHeldBackByARetryAfterPause_LeaveTheWindow_SoOtherHostsKeepTheLimitFull()
    {
        const int Limit = 4;
        const int Paused = 50;
        const int Healthy = 6;
        await using var other = await LoopbackServer.StartAsync();
        using var runner = new BatchRunner(Options(Limit));
        var batch = runner.Batch;
        Assert.True(Paused > 2 * batch.Capacity);

        // The first Limit answers (one shared key) pause the host for 30 s of fake time; every item of that
        // host, queued before the pause or posted after it, then waits without holding the window.
        var paused = Enumerable.Range(0, Paused).Select(i => new DownloadRequest(_server.Url($"retry-after/r/{Limit}/1000/r{i}.bin?seconds=30&seed={i}"))).ToArray();
        var healthy = Enumerable.Range(0, Healthy).Select(i => new DownloadRequest(other.Url($"hold/h/4000/h{i}.bin?seed={100 + i}"))).ToArray();
        foreach (var request in paused.Concat(healthy))
        {
            runner.Post(request, Timeout);
        }

        await other.WaitForInFlightAsync(Limit, Timeout);
        runner.WaitUntil(() => batch.Waiting == Paused, Timeout, "every item of the paused host to wait");
        Assert.Equal(Limit, _server.TotalRequests);
        Assert.Equal(Limit, other.InFlight);
        Assert.Equal(Limit, other.PeakInFlight);
        Assert.Empty(runner.Finished);

        other.Release("h");
        runner.WaitUntil(() => runner.Finished.Count == Healthy, Timeout, "the healthy items to end");
        CompleteMovingTheClock(runner, TimeSpan.FromSeconds(30));

        Assert.Equal(0, batch.Waiting);
        Assert.Equal(Paused + Healthy, runner.Finished.Count);
        Assert.All(runner.Finished, e => Assert.Equal(DownloadStatus.Completed, e.Result!.Status));
        for (var i = 0; i < Paused; i++)
        {
            FileAssert.Exact(_folder.File($"r{i}.bin"), 1000, i);
        }

        Assert.Equal(Paused + Limit, _server.TotalRequests);
        Assert.Equal(Limit, other.PeakInFlight);
    }

    [Fact]
    public void Input_IsRefusedWhileWaitingCapacityItemsWait_AndAcceptedOnceTheyMoveOn()
    {
        var options = Options(1);
        using var runner = new BatchRunner(options);
        var batch = runner.Batch;
        Assert.True(batch.WaitingCapacity >= 16 * options.Limit);

        // Every item fails once and then waits on the fake clock: the waiting set fills up, not the window.
        var count = batch.WaitingCapacity;
        for (var i = 0; i < count; i++)
        {
            runner.Post(new DownloadRequest(_server.Url($"flaky/w{i}/1/10/w{i}.bin?seed={i}")), Timeout);
        }

        runner.WaitUntil(() => batch.Waiting == count, Timeout, "every item to wait for its backoff");
        var extra = new DownloadRequest(_server.Url("bytes/10/extra.bin"));
        Assert.False(batch.TryPost(extra));
        Assert.Equal(count, _server.TotalRequests);

        runner.WaitUntil(
            () =>
            {
                _time.Advance(Backoff);
                return batch.TryPost(extra);
            },
            Timeout,
            "the batch to accept an item once the waiting ones moved on");
        CompleteMovingTheClock(runner, Backoff);

        Assert.Equal(count + 1, runner.Finished.Count);
        Assert.All(runner.Finished, e => Assert.Equal(DownloadStatus.Completed, e.Result!.Status));
        Assert.Equal(1, _server.PeakInFlight);
    }

    // Ends the input and moves the fake clock each round until every item has ended: a timer made just
    // after one move is due after the next, and moving once more than needed is harmless.
    private void CompleteMovingTheClock(BatchRunner runner, TimeSpan step)
    {
        runner.Batch.Complete();
        runner.WaitUntil(
            () =>
            {
                _time.Advance(step);
                return runner.Batch.IsDone;
            },
            Timeout,
            "the waiting items to end");
        runner.TakeEvents();
    }

    private BatchOptions Options(int limit)
    {
        var options = BatchRunner.Options(_folder.Path);
        options.Limit = limit;
        options.MaximumRetryCount = 1;
        options.RetryInterval = Backoff;
        options.UseJitter = false;
        options.TimeProvider = _time;

        // A learned pace would grow on this fake clock but refill by real time: these tests are about waiting.
        options.LearnRate = false;
        return options;
    }
}
