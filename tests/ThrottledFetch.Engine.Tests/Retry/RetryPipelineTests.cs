using System;
using System.Collections.Concurrent;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using Polly;
using ThrottledFetch.Engine.Download;
using ThrottledFetch.Engine.Retry;
using ThrottledFetch.Engine.Scheduling;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Retry
{
    /// <summary>
    /// The retry policy with time and jitter pinned: the callback mirrors ItemDownload (count the attempt,
    /// take a gate slot, report an outcome), and every timer is seen as it is created, so fake time is
    /// only advanced once the wait it should end exists.
    /// </summary>
    public sealed class RetryPipelineTests : IDisposable
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
        private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);
        private static readonly Uri ItemUri = new Uri("http://127.0.0.1/files/data.bin");
        private static readonly DateTimeOffset Start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        private readonly FakeTimeProvider fake = new FakeTimeProvider(Start);
        private readonly WatchedTimeProvider time;
        private readonly ConnectionGate gate;
        private readonly string folder;
        private readonly ItemState item;
        private readonly ConcurrentQueue<string> verbose = new ConcurrentQueue<string>();
        private readonly SemaphoreSlim attemptStarted = new SemaphoreSlim(0);
        private int attempts;

        public RetryPipelineTests()
        {
            this.time = new WatchedTimeProvider(this.fake);
            this.gate = new ConnectionGate(8, 0, 0, this.time);
            folder = Path.Combine(Path.GetTempPath(), "tf-retry-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, "data.bin");
            this.item = new ItemState(new DownloadRequest(ItemUri), new PartialFile(path, ItemUri), new TransferProgress(1, ItemUri, path), (_, _) => null);
        }

        public void Dispose()
        {
            this.gate.Dispose();
            this.item.Part.Dispose();
            Directory.Delete(folder, recursive: true);
        }

        [Fact]
        public async Task Backoff_WithoutJitter_WaitsOneTwoFourSeconds()
        {
            var pipeline = RetryPipeline.Create(Options(), verbose.Enqueue);

            var run = Run(pipeline, _ => Transient(503));

            await NextAttemptAsync();
            await WaitsExactlyAsync(TimeSpan.FromSeconds(1), attemptsSoFar: 1);
            await WaitsExactlyAsync(TimeSpan.FromSeconds(2), attemptsSoFar: 2);
            await WaitsExactlyAsync(TimeSpan.FromSeconds(4), attemptsSoFar: 3);
            var outcome = await run.WaitAsync(Timeout);

            Assert.Equal(4, Volatile.Read(ref attempts));
            Assert.Equal(4, this.item.Attempts);
            Assert.False(outcome.Succeeded);
            Assert.Equal(503, outcome.StatusCode);
            Assert.Equal(Start + TimeSpan.FromSeconds(7), this.fake.GetUtcNow());
            Assert.Empty(this.time.DueTimes);
        }

        [Fact]
        public async Task Backoff_LongInterval_IsCappedAtSixtySeconds()
        {
            var options = Options();
            options.RetryInterval = TimeSpan.FromSeconds(40);
            var pipeline = RetryPipeline.Create(options, verbose.Enqueue);

            var run = Run(pipeline, _ => Transient(502));

            await NextAttemptAsync();
            await WaitsExactlyAsync(TimeSpan.FromSeconds(40), attemptsSoFar: 1);
            await WaitsExactlyAsync(TimeSpan.FromSeconds(60), attemptsSoFar: 2);
            await WaitsExactlyAsync(TimeSpan.FromSeconds(60), attemptsSoFar: 3);
            var outcome = await run.WaitAsync(Timeout);

            Assert.Equal(4, Volatile.Read(ref attempts));
            Assert.Equal(502, outcome.StatusCode);
        }

        [Fact]
        public async Task Success_AfterATransientFailure_StopsRetrying()
        {
            var pipeline = RetryPipeline.Create(Options(), verbose.Enqueue);

            var run = Run(pipeline, n => n == 1 ? Transient(500) : AttemptOutcome.Success(200, null));

            await NextAttemptAsync();
            await WaitsExactlyAsync(TimeSpan.FromSeconds(1), attemptsSoFar: 1);
            var outcome = await run.WaitAsync(Timeout);

            Assert.True(outcome.Succeeded);
            Assert.Equal(200, outcome.StatusCode);
            Assert.Equal(2, Volatile.Read(ref attempts));
            Assert.Single(verbose);
        }

        [Fact]
        public async Task NonTransientOutcome_IsTriedOnce()
        {
            var pipeline = RetryPipeline.Create(Options(), verbose.Enqueue);

            var outcome = await Run(pipeline, _ => Failure(404, transient: false)).WaitAsync(Timeout);

            Assert.Equal(1, Volatile.Read(ref attempts));
            Assert.Equal(404, outcome.StatusCode);
            Assert.False(outcome.Succeeded);
            Assert.Empty(this.time.DueTimes);
            Assert.Empty(verbose);
        }

        [Fact]
        public async Task MaximumRetryCountZero_TriesOnceEvenWhenTransient()
        {
            var options = Options();
            options.MaximumRetryCount = 0;
            var pipeline = RetryPipeline.Create(options, verbose.Enqueue);

            var outcome = await Run(pipeline, _ => Transient(503)).WaitAsync(Timeout);

            Assert.Equal(1, Volatile.Read(ref attempts));
            Assert.Equal(503, outcome.StatusCode);
            Assert.Empty(this.time.DueTimes);
            Assert.Empty(verbose);
        }

        [Fact]
        public async Task MaximumRetryCountOne_TriesTwice()
        {
            var options = Options();
            options.MaximumRetryCount = 1;
            var pipeline = RetryPipeline.Create(options, verbose.Enqueue);

            var run = Run(pipeline, _ => Transient(429));

            await NextAttemptAsync();
            await WaitsExactlyAsync(TimeSpan.FromSeconds(1), attemptsSoFar: 1);
            var outcome = await run.WaitAsync(Timeout);

            Assert.Equal(2, Volatile.Read(ref attempts));
            Assert.Equal(429, outcome.StatusCode);
        }

        [Fact]
        public async Task ThrownException_IsNotRetried()
        {
            var pipeline = RetryPipeline.Create(Options(), verbose.Enqueue);

            await Assert.ThrowsAsync<OperationCanceledException>(() => Run(pipeline, _ => throw new OperationCanceledException()).WaitAsync(Timeout));

            Assert.Equal(1, Volatile.Read(ref attempts));
            Assert.Empty(this.time.DueTimes);
        }

        [Fact]
        public async Task RetryAfter_RetriesWithoutABackoffDelay()
        {
            // The wait itself is a pause of the whole host at the gate (ItemDownload sets it before its
            // slot is freed); the pipeline adds no sleep of its own on top.
            var pipeline = RetryPipeline.Create(Options(), verbose.Enqueue);

            var run = Run(pipeline, n => n == 1 ? Transient(503, TimeSpan.FromSeconds(30)) : AttemptOutcome.Success(200, null));

            await NextAttemptAsync();
            await NextAttemptAsync();
            var outcome = await run.WaitAsync(Timeout);

            Assert.True(outcome.Succeeded);
            Assert.Equal(2, this.item.Attempts);
            Assert.Equal(Start, this.fake.GetUtcNow());
            Assert.Empty(this.time.DueTimes);
        }

        [Fact]
        public async Task RetryAfter_ZeroSeconds_AlsoRetriesWithoutABackoffDelay()
        {
            var pipeline = RetryPipeline.Create(Options(), verbose.Enqueue);

            var run = Run(pipeline, n => n == 1 ? Transient(429, TimeSpan.Zero) : AttemptOutcome.Success(200, null));

            var outcome = await run.WaitAsync(Timeout);

            Assert.True(outcome.Succeeded);
            Assert.Equal(2, Volatile.Read(ref attempts));
            Assert.Empty(this.time.DueTimes);
        }

        [Fact]
        public async Task RetryAfter_OnANonTransientOutcome_IsNotRetried()
        {
            var pipeline = RetryPipeline.Create(Options(), verbose.Enqueue);

            var outcome = await Run(pipeline, _ => Failure(403, transient: false, TimeSpan.FromSeconds(5))).WaitAsync(Timeout);

            Assert.Equal(403, outcome.StatusCode);
            Assert.Equal(1, Volatile.Read(ref attempts));
            Assert.Empty(verbose);
        }

        [Fact]
        public async Task OnRetry_PostsAVerboseMessageNamingTheUrlTheAttemptAndTheWait()
        {
            var pipeline = RetryPipeline.Create(Options(), verbose.Enqueue);

            var run = Run(pipeline, _ => Transient(503));

            await NextAttemptAsync();
            await WaitsExactlyAsync(TimeSpan.FromSeconds(1), attemptsSoFar: 1);
            await WaitsExactlyAsync(TimeSpan.FromSeconds(2), attemptsSoFar: 2);
            await WaitsExactlyAsync(TimeSpan.FromSeconds(4), attemptsSoFar: 3);
            await run.WaitAsync(Timeout);

            var messages = verbose.ToArray();
            Assert.Equal(3, messages.Length);
            var waits = new[] { 1, 2, 4 };
            for (var i = 0; i < 3; i++)
            {
                Assert.Contains(ItemUri.ToString(), messages[i], StringComparison.Ordinal);
                Assert.Contains($"Retry {i + 1} of 3", messages[i], StringComparison.Ordinal);
                Assert.Contains($"after attempt {i + 1}", messages[i], StringComparison.Ordinal);
                Assert.Contains($"waiting {waits[i]} s", messages[i], StringComparison.Ordinal);
                Assert.Contains("HTTP 503 from the server", messages[i], StringComparison.Ordinal);
            }
        }

        [Fact]
        public async Task OnRetry_AfterRetryAfter_SaysWhatTheServerAskedAndThatTheHostIsHeldBack()
        {
            var pipeline = RetryPipeline.Create(Options(), verbose.Enqueue);

            await Run(pipeline, n => n == 1 ? Transient(429, TimeSpan.FromSeconds(30)) : AttemptOutcome.Success(200, null)).WaitAsync(Timeout);

            var message = Assert.Single(verbose);
            Assert.Contains(ItemUri.ToString(), message, StringComparison.Ordinal);
            Assert.Contains("Retry 1 of 3", message, StringComparison.Ordinal);
            Assert.Contains("after attempt 1", message, StringComparison.Ordinal);
            Assert.Contains("wait 30 s", message, StringComparison.Ordinal);
            Assert.Contains(this.item.HostKey, message, StringComparison.Ordinal);
        }

        private static AttemptOutcome Transient(int status, TimeSpan? retryAfter = null) =>
            Failure(status, transient: true, retryAfter);

        private static AttemptOutcome Failure(int status, bool transient, TimeSpan? retryAfter = null) =>
            AttemptOutcome.Failure(new DownloadError(DownloadErrorKind.HttpStatus, $"HTTP {status} from the server.", statusCode: status), transient, retryAfter);

        private SessionOptions Options() => new SessionOptions
        {
            TimeProvider = this.time,
            UseJitter = false,
            RetryInterval = TimeSpan.FromSeconds(1),
            MaximumRetryCount = 3,
        };

        // Runs the pipeline as ItemRunner does: the item in the context, one gate slot per attempt.
        private async Task<AttemptOutcome> Run(ResiliencePipeline<AttemptOutcome> pipeline, Func<int, AttemptOutcome> outcomeOfAttempt)
        {
            var context = ResilienceContextPool.Shared.Get(CancellationToken.None);
            try
            {
                context.Properties.Set(RetryPipeline.Item, this.item);
                return await pipeline.ExecuteAsync(
                    async (ctx, state) =>
                    {
                        state.Attempts++;
                        var attempt = Interlocked.Increment(ref attempts);
                        attemptStarted.Release();
                        using var lease = await this.gate.AcquireAsync(state.HostKey, ctx.CancellationToken).ConfigureAwait(false);
                        return outcomeOfAttempt(attempt);
                    },
                    context,
                    this.item).ConfigureAwait(false);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }

        private async Task NextAttemptAsync() =>
            Assert.True(await attemptStarted.WaitAsync(Timeout), "the next attempt did not start");

        private async Task<TimeSpan> NextTimerAsync()
        {
            Assert.True(await this.time.TimerCreated.WaitAsync(Timeout), "no timer was started");
            Assert.True(this.time.DueTimes.TryDequeue(out var due));
            return due;
        }

        // The backoff timer is running: one tick short of its delay nothing happens, at the delay the next attempt starts.
        private async Task WaitsExactlyAsync(TimeSpan delay, int attemptsSoFar)
        {
            Assert.Equal(delay, await NextTimerAsync());

            this.fake.Advance(delay - Tick);
            await Task.Yield();
            Assert.Equal(attemptsSoFar, Volatile.Read(ref attempts));

            this.fake.Advance(Tick);
            await NextAttemptAsync();
            Assert.Equal(attemptsSoFar + 1, Volatile.Read(ref attempts));
        }

        /// <summary>Fake time that reports each timer as it is created, with the delay it was given.</summary>
        private sealed class WatchedTimeProvider : TimeProvider
        {
            private readonly FakeTimeProvider inner;

            public WatchedTimeProvider(FakeTimeProvider inner)
            {
                this.inner = inner;
            }

            public ConcurrentQueue<TimeSpan> DueTimes { get; } = new ConcurrentQueue<TimeSpan>();

            public SemaphoreSlim TimerCreated { get; } = new SemaphoreSlim(0);

            public override TimeZoneInfo LocalTimeZone => this.inner.LocalTimeZone;

            public override long TimestampFrequency => this.inner.TimestampFrequency;

            public override DateTimeOffset GetUtcNow() => this.inner.GetUtcNow();

            public override long GetTimestamp() => this.inner.GetTimestamp();

            public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
            {
                var timer = this.inner.CreateTimer(callback, state, dueTime, period);
                DueTimes.Enqueue(dueTime);
                TimerCreated.Release();
                return timer;
            }
        }
    }
}
