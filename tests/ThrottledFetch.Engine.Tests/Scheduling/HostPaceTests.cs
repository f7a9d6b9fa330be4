using System;
using Microsoft.Extensions.Time.Testing;
using ThrottledFetch.Engine.Retry;
using ThrottledFetch.Engine.Scheduling;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Scheduling
{
    /// <summary>
    /// The learned pace of a host, on fake time: no pace until a refusal; a start from what the host
    /// accepted over that time and its pause; nothing during the pause; slow start; the cut that ends it;
    /// later cuts measured from what the host accepted, and undone when they do not lengthen the run between
    /// refusals; the holds and the slow rise after cuts; the ceiling.
    /// </summary>
    public sealed class HostPaceTests
    {
        private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);
        private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

        private readonly FakeTimeProvider time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

        [Fact]
        public void HostThatNeverRefuses_IsNeverPaced()
        {
            var pace = new HostPace(this.time, 0);

            for (var i = 0; i < 5000; i++)
            {
                Assert.Null(pace.Accepted(this.time.GetTimestamp()));
                this.time.Advance(Ms);
            }

            Assert.Null(pace.RequestsPerSecond);
        }

        [Fact]
        public void FirstRefusal_StartsFromWhatTheHostAccepted_OverThatTimeAndThePauseItAskedFor()
        {
            var pace = new HostPace(this.time, 0);
            Accept(pace, 15, 2 * Ms);

            var change = Refuse(pace, Second);

            // 15 in 30 ms, then a pause of 1 s: 15 per 1.03 s.
            Assert.NotNull(change);
            Assert.Equal(15 / 1.03, change!.RequestsPerSecond, 6);
            Assert.Equal(change.RequestsPerSecond, pace.RequestsPerSecond);
            Assert.Contains("(429) after accepting 15 in 0.03 s and asked to wait 1 s", change.Reason, StringComparison.Ordinal);
        }

        [Fact]
        public void FirstRefusal_WithoutRetryAfter_MeasuresOverOneSecondAtLeast()
        {
            var pace = new HostPace(this.time, 0);
            Accept(pace, 20, Ms);

            var change = Refuse(pace, pause: null);

            Assert.Equal(20, change!.RequestsPerSecond, 6);
        }

        [Fact]
        public void FirstRefusal_AfterALongUnpacedRun_MeasuresTheLastSecond()
        {
            var pace = new HostPace(this.time, 0);
            Accept(pace, 500, 10 * Ms);

            // 100 in the last second, then a pause of 1 s.
            var change = Refuse(pace, Second);

            Assert.Equal(50, change!.RequestsPerSecond, 6);
            Assert.Contains("after accepting 100 in 1 s", change.Reason, StringComparison.Ordinal);
        }

        [Fact]
        public void FirstRefusal_OfTheVeryFirstRequest_PacesAtOnePerPause()
        {
            var pace = new HostPace(this.time, 0);

            var change = Refuse(pace, TimeSpan.FromSeconds(4));

            Assert.Equal(0.25, change!.RequestsPerSecond, 6);
        }

        [Fact]
        public void RefusalsOfRequestsSentBeforeTheCut_AreItsEcho_AndChangeNothing()
        {
            var pace = new HostPace(this.time, 0);
            Accept(pace, 15, 2 * Ms);
            var sentBefore = this.time.GetTimestamp();
            this.time.Advance(Ms);
            var first = Refuse(pace, Second)!.RequestsPerSecond;

            // Many in flight at once are refused together: the others answer after the cut.
            Assert.Null(pace.Refused(sentBefore, 429, Second));
            Assert.Equal(first, pace.RequestsPerSecond);
        }

        [Fact]
        public void Pace_DoesNotGrowDuringThePause()
        {
            var pace = StartSlowStart(out var first);

            // Answers of requests still in flight come back during the pause: they are counted, nothing grows.
            for (var i = 0; i < 99; i++)
            {
                Assert.Null(pace.Accepted(this.time.GetTimestamp()));
                this.time.Advance(10 * Ms);
            }

            Assert.Equal(first, pace.RequestsPerSecond);
        }

        [Fact]
        public void SlowStart_DoublesEvery125Milliseconds_InStepsOfTheSquareRootOfTwo_AfterAFirstMeasure()
        {
            var pace = StartSlowStart(out var first);
            this.time.Advance(Second);

            // Answers one per millisecond. No step before 100 ms have been measured since the pause; then
            // one for those 100 ms (2^0.8); the next √2 later, 62.5 ms on.
            Assert.Null(Accept(pace, 100, Ms));
            var step = pace.Accepted(this.time.GetTimestamp());
            Assert.NotNull(step);
            Near(first * Math.Pow(2, 0.8), step!.RequestsPerSecond);
            Assert.Contains("no refusal for 0.1 s", step.Reason, StringComparison.Ordinal);

            this.time.Advance(Ms);
            Assert.Null(Accept(pace, 62, Ms));
            var next = pace.Accepted(this.time.GetTimestamp());

            Near(first * Math.Pow(2, 0.8) * Math.Sqrt(2), next!.RequestsPerSecond);
        }

        [Fact]
        public void RefusalThatEndsSlowStart_BeforeTheHostTookAnything_CutsTo60PercentOfTheRateRefused()
        {
            var pace = StartSlowStart(out _);
            this.time.Advance(Second);
            var refused = pace.RequestsPerSecond!.Value;

            var change = Refuse(pace, Second);

            Assert.Equal(refused * 0.6, change!.RequestsPerSecond, 6);
            Assert.Contains("refused a request (429) at", change.Reason, StringComparison.Ordinal);
        }

        // A host that keeps a token bucket (as nginx limit_req does: 429 + Retry-After: 1 above it) and a
        // client that sends as fast as it may (unpaced, then at its pace), answers in no time.
        [Theory]
        [InlineData(10, 10)]
        [InlineData(30, 10)]
        [InlineData(100, 10)]
        [InlineData(300, 10)]
        [InlineData(100, 50)]
        [InlineData(1000, 5)]
        public void RefusalThatEndsSlowStart_CutsToJustBelowTheRateOfATokenBucketHost(double rate, int burst)
        {
            var host = new TokenBucketHost(this.time, rate, burst);
            var pace = new HostPace(this.time, 0);
            while (host.Take())
            {
                pace.Accepted(this.time.GetTimestamp());
                this.time.Advance(Ms / 10);
            }

            Assert.NotNull(Refuse(pace, Second));
            this.time.Advance(Second);

            var cut = SendUntilRefused(pace, host);

            Assert.True(cut.RequestsPerSecond >= 0.8 * rate && cut.RequestsPerSecond <= rate, $"{cut.RequestsPerSecond}: {cut.Reason}");
            Assert.Contains("fits a rate of", cut.Reason, StringComparison.Ordinal);
        }

        [Fact]
        public void RefusalThatEndsSlowStart_ThatNoBucketOfTheFirstBurstsSizeWouldMake_CutsTo60PercentOfTheRateRefused()
        {
            // A host that took 50 before refusing at random: a bucket that large takes the few sent since the
            // pause at any rate, so the refusal says nothing of one.
            var pace = new HostPace(this.time, 0);
            Accept(pace, 50, Ms);
            Refuse(pace, Second);
            this.time.Advance(Second);
            for (var i = 0; i < 10; i++)
            {
                this.time.Advance(TimeSpan.FromSeconds(1 / pace.RequestsPerSecond!.Value));
                pace.Accepted(this.time.GetTimestamp());
            }

            var refused = pace.RequestsPerSecond!.Value;
            var change = Refuse(pace, Second);

            Assert.Equal(refused * 0.6, change!.RequestsPerSecond, 6);
            Assert.DoesNotContain("fits", change.Reason, StringComparison.Ordinal);
        }

        [Fact]
        public void LaterRefusal_CutsToWhatTheHostAcceptedSinceThePause_LessOneBurst()
        {
            var pace = PacedAfterSlowStart(out var rate);
            this.time.Advance(Second);

            // After the pause: 45 accepted in 0.9 s, 15 of them the host's burst (what it took before its first refusal).
            Accept(pace, 45, 20 * Ms);
            var change = Refuse(pace, Second);

            Assert.Equal((45 - 15) / 0.9, change!.RequestsPerSecond, 6);
            Assert.InRange(change.RequestsPerSecond, 0.5 * rate, 0.9 * rate);
        }

        [Fact]
        public void LaterRefusal_CutsToHalfAtMost_HoweverLittleWasAccepted()
        {
            var pace = PacedAfterSlowStart(out var rate);
            this.time.Advance(Second);
            Accept(pace, 3, 10 * Ms);

            var change = Refuse(pace, Second);

            Assert.Equal(0.5 * rate, change!.RequestsPerSecond, 6);
        }

        [Fact]
        public void LaterRefusal_CutsTo90PercentAtLeast_HoweverMuchWasAccepted()
        {
            var pace = PacedAfterSlowStart(out var rate);
            this.time.Advance(Second);

            // More than the rate could carry, as when a pause let the host's bucket fill: still a cut.
            Accept(pace, 200, Ms);
            var change = Refuse(pace, Second);

            Assert.Equal(0.9 * rate, change!.RequestsPerSecond, 6);
        }

        [Fact]
        public void ACutThatDoesNotLengthenTheRunBetweenRefusals_IsUndone_AndTheRateIsNotCutBelowItAgain()
        {
            var pace = PacedAfterSlowStart(out var rate);
            this.time.Advance(Second);
            Accept(pace, 10, 10 * Ms);
            var cut = Refuse(pace, Second)!.RequestsPerSecond;
            Assert.True(cut < rate);
            this.time.Advance(Second);

            // At the lower rate the host took no more before refusing again: its refusals do not follow the rate.
            Accept(pace, 8, 10 * Ms);
            var undone = Refuse(pace, Second);

            Assert.Equal(rate, undone!.RequestsPerSecond);
            Assert.Contains("after 8 requests at", undone.Reason, StringComparison.Ordinal);
            Assert.Contains("do not follow the rate", undone.Reason, StringComparison.Ordinal);

            this.time.Advance(Second);
            Accept(pace, 5, 10 * Ms);
            Assert.Null(Refuse(pace, Second));
            Assert.Equal(rate, pace.RequestsPerSecond);

            // Nor do refusals there stop the rise: it goes on across them and their pauses.
            this.time.Advance(Second);
            var step = Accept(pace, 40, 10 * Ms);
            // 1.15 s of the rise by then: since the last step, pauses included.
            Assert.Equal(rate * (1 + (0.05 * 1.15)), step!.RequestsPerSecond, 6);
            Assert.Contains("its refusals do not follow the rate", step.Reason, StringComparison.Ordinal);
        }

        [Fact]
        public void ACutThatLengthensTheRunBetweenRefusals_IsKept_AndTheNextRefusalCutsAgain()
        {
            var pace = PacedAfterSlowStart(out _);
            this.time.Advance(Second);
            Accept(pace, 10, 10 * Ms);
            var cut = Refuse(pace, Second)!.RequestsPerSecond;
            this.time.Advance(Second);

            // At the lower rate the host took four times as many: a rate limit, still below the rate.
            Accept(pace, 40, 10 * Ms);
            var again = Refuse(pace, Second);

            Assert.True(again!.RequestsPerSecond < cut, $"{again.RequestsPerSecond} after {cut}");
            Assert.DoesNotContain("do not follow", again.Reason, StringComparison.Ordinal);
        }

        [Fact]
        public void AfterALaterRefusal_ThePaceHoldsForTenPauses_ThenRisesFivePercentPerPause()
        {
            var pace = PacedAfterSlowStart(out _);
            this.time.Advance(Second);
            Accept(pace, 36, 25 * Ms);
            var cut = Refuse(pace, Second)!.RequestsPerSecond;
            this.time.Advance(Second);

            // Ten pauses of 1 s, then nearly one more: no step.
            Assert.Null(Accept(pace, 1099, 10 * Ms));
            Assert.Equal(cut, pace.RequestsPerSecond);

            this.time.Advance(10 * Ms);
            var step = pace.Accepted(this.time.GetTimestamp());

            Assert.Equal(cut * 1.05, step!.RequestsPerSecond, 6);
        }

        [Fact]
        public void AfterTheCutThatEndsSlowStart_ThePaceHoldsForTenPauses_ThenRisesFivePercentPerPause()
        {
            var pace = PacedAfterSlowStart(out var cut);
            this.time.Advance(Second);

            // Ten pauses of 1 s, then nearly one more: no step (the cut was fitted to what the host took).
            Assert.Null(Accept(pace, 1099, 10 * Ms));
            this.time.Advance(10 * Ms);

            Assert.Equal(cut * 1.05, pace.Accepted(this.time.GetTimestamp())!.RequestsPerSecond, 6);
        }

        [Fact]
        public void AfterACutThatEndsSlowStart_WithNothingToFit_ThePaceHoldsForThreePauses_ThenRisesFivePercentPerPause()
        {
            var pace = StartSlowStart(out _);
            this.time.Advance(Second);
            var cut = Refuse(pace, Second)!.RequestsPerSecond;
            this.time.Advance(Second);

            // Three pauses of 1 s, then nearly one more: no step.
            Assert.Null(Accept(pace, 399, 10 * Ms));
            this.time.Advance(10 * Ms);

            Assert.Equal(cut * 1.05, pace.Accepted(this.time.GetTimestamp())!.RequestsPerSecond, 6);
        }

        [Fact]
        public void HoldAndGrowth_AreCountedInPauses_SoALongRetryAfterMeansASlowerRise()
        {
            var pace = new HostPace(this.time, 0);
            Accept(pace, 15, 2 * Ms);
            Refuse(pace, TimeSpan.FromSeconds(10));
            this.time.Advance(TimeSpan.FromSeconds(10));
            Accept(pace, 400, Ms);
            var slowStartEnded = Refuse(pace, TimeSpan.FromSeconds(10))!.RequestsPerSecond;
            this.time.Advance(TimeSpan.FromSeconds(10));

            // A hold of ten pauses of 10 s, then 5 % per pause of 10 s, not per second.
            Assert.Null(Accept(pace, 10990, 10 * Ms));
            this.time.Advance(100 * Ms);

            Assert.Equal(slowStartEnded * 1.05, pace.Accepted(this.time.GetTimestamp())!.RequestsPerSecond, 6);
        }

        [Fact]
        public void Ceiling_IsNeverPassed_NotByTheFirstRateNorByGrowth()
        {
            var pace = new HostPace(this.time, ceiling: 10);
            Accept(pace, 15, 2 * Ms);

            Assert.Equal(10, Refuse(pace, Second)!.RequestsPerSecond);
            this.time.Advance(Second);

            Assert.Null(Accept(pace, 3000, Ms));
            Assert.Equal(10, pace.RequestsPerSecond);
        }

        [Fact]
        public void Growth_NeverPassesTwiceWhatTheHostAccepted_SoAnIdleHostsPaceCannotRunAway()
        {
            var pace = StartSlowStart(out _);
            this.time.Advance(Second);

            // One answer per 200 ms: slow start alone would reach 14.6 * 2^7 in two seconds. Each step may
            // go to twice what the host accepted since the last one (two answers in 200 ms, counted by slot).
            Accept(pace, 10, 200 * Ms);

            Assert.InRange(pace.RequestsPerSecond!.Value, 0, 2 * 10.01);
        }

        [Theory]
        [InlineData(429, false, true)]
        [InlineData(503, true, true)]
        [InlineData(403, true, true)]
        [InlineData(503, false, false)]
        [InlineData(500, true, false)]
        [InlineData(408, false, false)]
        public void Answered_RefusalsForTheRate_StartThePace_ServerErrorsTeachNothing(int status, bool retryAfter, bool paced)
        {
            var pace = new HostPace(this.time, 0);
            var error = new DownloadError(DownloadErrorKind.HttpStatus, "failed", null, status);

            pace.Answered(this.time.GetTimestamp(), AttemptOutcome.Failure(error, transient: true, retryAfter ? Second : null));

            Assert.Equal(paced, pace.RequestsPerSecond != null);
        }

        [Fact]
        public void Answered_SuccessesAndErrorsOfTheRequest_CountAsAccepted()
        {
            var pace = new HostPace(this.time, 0);
            var notFound = new DownloadError(DownloadErrorKind.HttpStatus, "missing", null, 404);
            var refused = new DownloadError(DownloadErrorKind.HttpStatus, "slow down", null, 429);
            pace.Answered(this.time.GetTimestamp(), AttemptOutcome.Success(200, null));
            pace.Answered(this.time.GetTimestamp(), AttemptOutcome.Failure(notFound, transient: false));
            pace.Answered(this.time.GetTimestamp(), AttemptOutcome.Failure(new DownloadError(DownloadErrorKind.Connection, "reset"), transient: true));

            var change = pace.Answered(this.time.GetTimestamp(), AttemptOutcome.Failure(refused, transient: true, Second));

            Assert.Contains("after accepting 2 in", change!.Reason, StringComparison.Ordinal);
        }

        // A host that took 15 requests in 30 ms and then refused one with Retry-After: 1 s.
        private HostPace StartSlowStart(out double first)
        {
            var pace = new HostPace(this.time, 0);
            Accept(pace, 15, 2 * Ms);
            first = Refuse(pace, Second)!.RequestsPerSecond;
            return pace;
        }

        // ... then, after the pause, sent requests at its pace to a token bucket of 15 at 40/s until one was refused.
        private HostPace PacedAfterSlowStart(out double rate)
        {
            var pace = StartSlowStart(out _);
            this.time.Advance(Second);
            rate = SendUntilRefused(pace, new TokenBucketHost(this.time, 40, 15)).RequestsPerSecond;
            return pace;
        }

        // Sends at the pace (answered in no time) until the host refuses a request; returns that change.
        private PaceChange SendUntilRefused(HostPace pace, TokenBucketHost host)
        {
            for (var sent = 0; sent < 100_000; sent++)
            {
                this.time.Advance(TimeSpan.FromSeconds(1 / pace.RequestsPerSecond!.Value));
                var started = this.time.GetTimestamp();
                if (!host.Take())
                {
                    return pace.Refused(started, 429, Second)!;
                }

                pace.Accepted(started);
            }

            throw new InvalidOperationException("the host never refused a request");
        }

        // Answers one request every interval; returns the last change of pace, if any.
        private PaceChange? Accept(HostPace pace, int count, TimeSpan every)
        {
            PaceChange? last = null;
            for (var i = 0; i < count; i++)
            {
                last = pace.Accepted(this.time.GetTimestamp()) ?? last;
                this.time.Advance(every);
            }

            return last;
        }

        private PaceChange? Refuse(HostPace pace, TimeSpan? pause) => pace.Refused(this.time.GetTimestamp(), 429, pause);

        // A token bucket of `burst` tokens that refills at `rate` per second, full at first.
        private sealed class TokenBucketHost
        {
            private readonly TimeProvider time;
            private readonly double rate;
            private readonly double burst;
            private double tokens;
            private long last;

            public TokenBucketHost(TimeProvider time, double rate, int burst)
            {
                this.time = time;
                this.rate = rate;
                this.burst = burst;
                tokens = burst;
                last = time.GetTimestamp();
            }

            public bool Take()
            {
                var now = time.GetTimestamp();
                tokens = Math.Min(burst, tokens + (rate * time.GetElapsedTime(last, now).TotalSeconds));
                last = now;
                if (tokens < 1)
                {
                    return false;
                }

                tokens--;
                return true;
            }
        }

        // Steps are taken at the first answer past their time: within 2 %.
        private static void Near(double expected, double actual) =>
            Assert.InRange(actual, expected * 0.98, expected * 1.02);
    }
}
