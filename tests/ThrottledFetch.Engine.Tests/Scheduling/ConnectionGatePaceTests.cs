using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using ThrottledFetch.Engine.Retry;
using ThrottledFetch.Engine.Scheduling;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Scheduling
{
    /// <summary>
    /// The gate applies what <see cref="HostPace"/> learns: a refusal pauses the host as before and from
    /// then on its starts keep to a rate limiter at the learned rate; a host that never refuses gets no
    /// limiter. The decisions run on fake time; the limiter refills by real time (System.Threading.RateLimiting
    /// takes no TimeProvider), so the one test of its spacing runs on real time, with a margin.
    /// </summary>
    public sealed class ConnectionGatePaceTests
    {
        private const string HostA = "http://127.0.0.1:1001";
        private const string HostB = "http://127.0.0.1:1002";
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
        private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

        private readonly FakeTimeProvider time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

        [Fact]
        public async Task Refusal_PausesTheHost_AndFromThenOnItsStartsArePacedAtTheLearnedRate()
        {
            using var gate = new ConnectionGate(4, 0, 0, this.time, learnRate: true);
            Serve(gate, HostA, 15, TimeSpan.FromMilliseconds(2));

            var line = Answer(gate, HostA, Refusal(429, Second));

            // 15 accepted in 30 ms, then a pause of 1 s.
            Assert.Equal("Pacing requests to http://127.0.0.1:1001 at 15 per second: it refused a request (429) after accepting 15 in 0.03 s and asked to wait 1 s.", line);
            var rate = gate.PaceOf(HostA);
            Assert.Equal(15 / 1.03, rate!.Value, 6);
            Assert.Equal(TimeSpan.FromTicks((long)(TimeSpan.TicksPerSecond / rate.Value)), gate.RatePeriodOf(HostA));
            var paced = Assert.Single(gate.PacedHosts());
            Assert.Equal(HostA, paced.Host);

            // The pause comes first.
            var next = gate.AcquireAsync(HostA, default).AsTask();
            Assert.False(next.IsCompleted);
            this.time.Advance(Second);
            (await next.WaitAsync(Timeout)).Dispose();
        }

        [Fact]
        public void HostThatNeverRefuses_HasNoLimiter_AndNoLineIsWritten()
        {
            using var gate = new ConnectionGate(4, 0, 0, this.time, learnRate: true);

            for (var i = 0; i < 200; i++)
            {
                Assert.Null(Answer(gate, HostA, AttemptOutcome.Success(200, null)));
                this.time.Advance(TimeSpan.FromMilliseconds(5));
            }

            Assert.Null(gate.PaceOf(HostA));
            Assert.Null(gate.RatePeriodOf(HostA));
            Assert.Empty(gate.PacedHosts());
        }

        [Fact]
        public void Pace_IsPerHost()
        {
            using var gate = new ConnectionGate(4, 0, 0, this.time, learnRate: true);
            Serve(gate, HostB, 10, TimeSpan.FromMilliseconds(1));

            Answer(gate, HostA, Refusal(429, Second));

            Assert.NotNull(gate.PaceOf(HostA));
            Assert.Null(gate.PaceOf(HostB));
            Assert.Null(gate.RatePeriodOf(HostB));
            Assert.True(gate.AcquireAsync(HostB, default).AsTask().IsCompletedSuccessfully, "the other host was held back");
        }

        [Fact]
        public void LearningOff_ARefusalOnlyPauses()
        {
            using var gate = new ConnectionGate(4, 0, 0, this.time, learnRate: false);
            Serve(gate, HostA, 15, TimeSpan.FromMilliseconds(2));

            Assert.Null(Answer(gate, HostA, Refusal(429, Second)));

            Assert.Null(gate.PaceOf(HostA));
            Assert.Null(gate.RatePeriodOf(HostA));
            Assert.False(gate.AcquireAsync(HostA, default).AsTask().IsCompleted, "the host was not paused");
        }

        [Fact]
        public async Task LearnedRate_IsNeverAboveTheGivenRate()
        {
            // The given rate lets one start through at once here, so one lease's answers stand for many requests'.
            using var gate = new ConnectionGate(4, 0, 5, this.time, learnRate: true, manualReplenishment: true);
            var acquired = gate.AcquireAsync(HostA, default).AsTask();
            Assert.True(acquired.IsCompletedSuccessfully, "the first start waited");
            using var lease = await acquired;
            Assert.Equal(TimeSpan.FromMilliseconds(200), gate.RatePeriodOf(HostA));
            for (var i = 0; i < 15; i++)
            {
                gate.Answered(lease, AttemptOutcome.Success(200, null));
                this.time.Advance(TimeSpan.FromMilliseconds(2));
            }

            // 15 per 1.03 s learned; 5 per second given.
            gate.Answered(lease, Refusal(429, Second));

            Assert.Equal(5, gate.PaceOf(HostA));
            Assert.Equal(TimeSpan.FromMilliseconds(200), gate.RatePeriodOf(HostA));
        }

        [Fact]
        public async Task LearnedRate_TheLimiterItConfiguresSpacesStarts_InRealTime()
        {
            // 20 accepted, then a 429 without Retry-After: 20 per second, and no pause.
            using var gate = new ConnectionGate(4, 0, 0, TimeProvider.System, learnRate: true);
            Serve(gate, HostA, 20, TimeSpan.Zero);
            Answer(gate, HostA, Refusal(429, null));
            Assert.Equal(TimeSpan.FromMilliseconds(50), gate.RatePeriodOf(HostA));

            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 6; i++)
            {
                (await gate.AcquireAsync(HostA, default).AsTask().WaitAsync(Timeout)).Dispose();
            }

            // The new limiter starts with its one token, then one per 50 ms: five periods, less timer slack,
            // and well within a generous bound (the limiter's own timer wakes the start, not a guess of ours).
            var span = clock.Elapsed;
            Assert.True(span >= TimeSpan.FromMilliseconds(200), $"six starts took only {span.TotalMilliseconds:0} ms");
            Assert.True(span < TimeSpan.FromSeconds(2), $"six starts at 20/s took {span.TotalMilliseconds:0} ms");
        }

        private static string? Answer(ConnectionGate gate, string host, AttemptOutcome outcome)
        {
            var acquired = gate.AcquireAsync(host, default).AsTask();
            Assert.True(acquired.IsCompletedSuccessfully, "the lease was not granted at once");
            using var lease = acquired.Result;
            return gate.Answered(lease, outcome);
        }

        // Requests answered one after another, `every` apart.
        private void Serve(ConnectionGate gate, string host, int count, TimeSpan every)
        {
            for (var i = 0; i < count; i++)
            {
                Assert.Null(Answer(gate, host, AttemptOutcome.Success(200, null)));
                this.time.Advance(every);
            }
        }

        private static AttemptOutcome Refusal(int status, TimeSpan? retryAfter) =>
            AttemptOutcome.Failure(new DownloadError(DownloadErrorKind.HttpStatus, "slow down", null, status), transient: true, retryAfter);
    }
}
