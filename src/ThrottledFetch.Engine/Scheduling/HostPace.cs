using System;
using System.Globalization;
using ThrottledFetch.Engine.Retry;

namespace ThrottledFetch.Engine.Scheduling
{
    /// <summary>
    /// The request rate learned for one host from its refusals (429, or 503 or 403 with Retry-After), much
    /// as TCP learns a path's capacity from its losses. Nothing until the first refusal; then a start from
    /// what the host was seen to accept, and a slow start that doubles the rate until the next refusal
    /// (which cuts it to the rate of the token bucket that explains what the host took, see
    /// <see cref="BucketFit"/>); from then on each refusal cuts the rate to what the host
    /// was seen to accept since the last pause (a cut that does not lengthen the run between refusals is
    /// undone: those refusals do not follow the rate), and after a hold the rate rises slowly while none come. A
    /// refusal costs a Retry-After pause of every request to the host and a try of an item, so once the
    /// rate has been found it probes upward slowly, in units of that pause. Never above the ceiling (the
    /// session's RequestsPerSecond) when one is set. It decides only which rate and when (the gate applies
    /// it with a rate limiter); time comes from the TimeProvider, so the rule is tested with fake time.
    /// Not thread-safe: the gate calls it under its lock.
    /// </summary>
    internal sealed class HostPace
    {
        /// <summary>How far back the accepted rate is measured: long enough to hold many requests, short enough to follow a change.</summary>
        private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

        /// <summary>A measurement over less time than this says more about one burst than about a rate.</summary>
        private static readonly TimeSpan ShortestMeasure = TimeSpan.FromMilliseconds(100);

        /// <summary>
        /// Slow start doubles the rate this often, in steps of the square root of 2. The first rate is far
        /// below most limits (the host took one burst and asked for a pause), so it must climb fast: from
        /// 10/s to 100/s in under half a second. How far it overshoots matters little: the bucket fit at the
        /// refusal that ends it finds the host's rate from what it took.
        /// </summary>
        private static readonly TimeSpan Doubling = TimeSpan.FromMilliseconds(125);

        private const double SlowStartStep = 1.4142135623730951;

        /// <summary>
        /// When no bucket fits the refusal that ends slow start, the cut is to this share of the rate refused:
        /// near the rate or above it, where the next refusal measures the rate instead.
        /// </summary>
        private const double SlowStartShare = 0.6;

        /// <summary>
        /// A rate fitted to the host's bucket at the refusal that ends slow start lies between two bounds, but
        /// the bucket's size is itself measured and the host saw each request a little after it started; this
        /// much below the fit leaves room for both (a rate 10 % low costs less than a refusal and its pause).
        /// </summary>
        private const double FitMargin = 0.9;

        /// <summary>
        /// Slow start can pass a host's rate many times over before its bucket runs dry (a burst of 10 at 10/s
        /// lasts until about 60/s), so a fitted rate may lie far below the rate refused.
        /// </summary>
        private const double DeepestFit = 0.05;

        /// <summary>A later refusal cuts to at least this share of the rate refused, however little was accepted.</summary>
        private const double DeepestCut = 0.5;

        /// <summary>... and to at most this share: it was refused, so it is above what the host takes.</summary>
        private const double MildestCut = 0.9;

        /// <summary>After a later refusal the rate holds for this many pauses: it was measured, and a probe costs a pause.</summary>
        private const double HoldPauses = 10;

        /// <summary>After the cut that ends slow start, a shorter hold: that rate was a guess, below the host's as often as above.</summary>
        private const double SlowStartHoldPauses = 3;

        /// <summary>After a hold the rate rises this share per pause (per second at least), in steps of the same size.</summary>
        private const double GrowthPerPause = 0.05;

        /// <summary>
        /// A rate is never raised above twice what the host accepted lately (since the last step or pause), so
        /// the pace of a host the client does not keep busy cannot run away (the AWS SDKs cap theirs at twice
        /// the measured rate).
        /// </summary>
        private const double UsedHeadroom = 2.0;

        private const double MinimumRate = 0.01;

        private readonly TimeProvider time;
        private readonly long origin;
        private readonly double ceiling;
        private readonly RecentCount recent = new RecentCount(Window);
        private readonly BucketFit fit = new BucketFit();
        private TimeSpan? firstAnswer;
        private int acceptedTotal;

        // Refusals of requests started before the last cut are its echo, not news.
        private TimeSpan cutAt = TimeSpan.MinValue;

        // The end of the last cut's pause: the current rate applies from here, and was measured from here.
        private TimeSpan pacedSince;

        // Growth counts from here: the last step, or the end of a pause and of any hold after it.
        private TimeSpan grownAt;
        private bool slowStart;
        private TimeSpan pauseUnit = Window;
        private int burst;
        private TimeSpan burstSpan;
        private int acceptedSincePaced;
        private int acceptedSinceGrown;

        // The run of the last refused cycle at a steady rate (accepted from a pause's end to the refusal), and its rate.
        private int? lastRun;
        private double lastRate;

        // A rate found not to be the cause of the host's refusals: the pace is not cut below it.
        private double floor;
        private bool refusedSinceStep;

        /// <param name="ceiling">The rate never learned above; 0 means none.</param>
        public HostPace(TimeProvider time, double ceiling)
        {
            this.time = time;
            this.ceiling = ceiling;
            origin = time.GetTimestamp();
        }

        /// <summary>Requests per second to keep to the host; null while it has never refused one.</summary>
        public double? RequestsPerSecond { get; private set; }

        private TimeSpan Now => time.GetElapsedTime(origin);

        /// <summary>
        /// What one answer teaches: a refusal for the rate (429, or 503 or 403 with Retry-After) or an answer
        /// the host served (an error of the request counts: it was not refused for its rate). Server errors
        /// and failures without an answer teach nothing.
        /// </summary>
        /// <param name="startedAt">When the request started, a timestamp of this pace's TimeProvider.</param>
        public PaceChange? Answered(long startedAt, AttemptOutcome outcome)
        {
            if (!(outcome.StatusCode is int status))
            {
                return null;
            }

            if (!outcome.Succeeded && TransientStatus.IsRateLimit(status, outcome.RetryAfter != null))
            {
                // Retry-After pauses the host only when the attempt is retried (not when it asked too long).
                return Refused(startedAt, status, outcome.Transient ? outcome.RetryAfter : null);
            }

            return status < 500 && status != 408 ? Accepted(startedAt) : null;
        }

        /// <summary>The host answered a request without refusing it. Returns the raised rate when a step is due.</summary>
        /// <param name="startedAt">When the request started, a timestamp of this pace's TimeProvider.</param>
        public PaceChange? Accepted(long startedAt)
        {
            var now = Now;
            firstAnswer ??= now;
            recent.Add(now);
            acceptedTotal++;
            if (now >= pacedSince)
            {
                acceptedSincePaced++;
            }

            if (slowStart)
            {
                fit.Taken(time.GetElapsedTime(origin, startedAt));
            }

            if (!(RequestsPerSecond is double rate) || now < grownAt)
            {
                return null;
            }

            acceptedSinceGrown++;

            // Just after a pause nothing has been measured yet: the step waits for it.
            if (now - pacedSince < ShortestMeasure)
            {
                return null;
            }

            var elapsed = (now - grownAt).TotalSeconds;
            var factor = slowStart
                ? Math.Pow(2, elapsed / Doubling.TotalSeconds)
                : 1 + (GrowthPerPause * elapsed / pauseUnit.TotalSeconds);
            if (factor < (slowStart ? SlowStartStep : 1 + GrowthPerPause))
            {
                return null;
            }

            var raised = rate * factor;
            if (Used(now) is double used)
            {
                raised = Math.Min(raised, used * UsedHeadroom);
            }

            raised = Limit(raised);
            grownAt = now;
            acceptedSinceGrown = 0;
            if (raised <= rate)
            {
                return null;
            }

            RequestsPerSecond = raised;
            var why = refusedSinceStep
                ? string.Format(CultureInfo.InvariantCulture, "{0:0.##} s since the last step, and its refusals do not follow the rate", elapsed)
                : string.Format(CultureInfo.InvariantCulture, "no refusal for {0:0.##} s", elapsed);
            refusedSinceStep = false;
            return new PaceChange(raised, why);
        }

        /// <summary>
        /// The host refused a request that started at <paramref name="startedAt"/> (a timestamp of this
        /// pace's TimeProvider). Returns the cut rate, or null when the request was sent before the last cut:
        /// its answer tells nothing new (many in flight at once are refused together).
        /// </summary>
        /// <param name="pause">What Retry-After asked for; the new rate applies, and grows, from its end.</param>
        public PaceChange? Refused(long startedAt, int status, TimeSpan? pause)
        {
            var now = Now;
            firstAnswer ??= now;
            var sent = time.GetElapsedTime(origin, startedAt);
            if (sent < cutAt)
            {
                return null;
            }

            var wait = pause ?? TimeSpan.Zero;
            double hold = 0;
            double cut;
            string reason;
            if (!(RequestsPerSecond is double rate))
            {
                // What it accepted over the time that took and the pause it asked for: one burst and a
                // pause of 1 s is a rate of about one burst per second, a safe start for the slow start.
                var span = now - firstAnswer.Value;
                span = span < Window ? span : Window;
                var count = (int)Math.Round(span < Window ? acceptedTotal : recent.InLastWindow(now));
                var cycle = span + wait;
                cycle = cycle > Window ? cycle : Window;
                cut = Math.Max(count, 1) / cycle.TotalSeconds;
                burst = count;
                burstSpan = span;
                slowStart = true;
                fit.Restart(now + wait);
                reason = string.Format(CultureInfo.InvariantCulture, "it refused a request ({0}) after accepting {1} in {2:0.##} s", status, count, span.TotalSeconds)
                    + (wait > TimeSpan.Zero ? string.Format(CultureInfo.InvariantCulture, " and asked to wait {0:0.##} s", wait.TotalSeconds) : string.Empty);
            }
            else if (slowStart)
            {
                cut = SlowStartCut(rate, sent, status, out hold, out reason);
                slowStart = false;
                lastRun = null;
            }
            else
            {
                cut = LaterCut(rate, now, status, out hold, out reason);
            }

            cut = Limit(Math.Max(cut, MinimumRate));
            cutAt = now;
            var changed = RequestsPerSecond != cut;
            pauseUnit = wait > Window ? wait : Window;
            pacedSince = now + wait;
            acceptedSincePaced = 0;
            if (!double.IsNaN(hold))
            {
                refusedSinceStep = false;
                acceptedSinceGrown = 0;
                grownAt = pacedSince + TimeSpan.FromTicks((long)(hold * pauseUnit.Ticks));
            }

            RequestsPerSecond = cut;
            return changed ? new PaceChange(cut, reason) : null;
        }

        // The refusal that ends slow start: the rate the host's bucket fits, from when the requests it took
        // since the pause started; without a record, a share of the rate refused.
        private double SlowStartCut(double rate, TimeSpan refusedStart, int status, out double hold, out string reason)
        {
            reason = string.Format(CultureInfo.InvariantCulture, "it refused a request ({0}) at {1}/s", status, PaceChange.Format(rate));
            var fitted = fit.Rate(refusedStart, burst, burstSpan, DeepestFit * rate, MildestCut * rate);
            fit.Forget();
            if (fitted != null)
            {
                hold = HoldPauses;
                reason += string.Format(CultureInfo.InvariantCulture, ", and what it took since its pause fits a rate of {0}/s", PaceChange.Format(fitted.Value));
                return fitted.Value * FitMargin;
            }

            hold = SlowStartHoldPauses;
            return rate * SlowStartShare;
        }

        // A refusal after slow start. A cut that helped makes the host take more requests before its next
        // refusal (a rate limit refills while the rate stays below it); one that did not means the refusals
        // do not follow the rate (a server that refuses at random, or for other reasons), and cutting on
        // would only slow the list down: it is undone, and the rate is not cut below it again.
        /// <param name="hold">Pauses to hold the rate after this one; NaN: the rise since the last step goes on.</param>
        private double LaterCut(double rate, TimeSpan now, int status, out double hold, out string reason)
        {
            var run = acceptedSincePaced;
            var before = lastRun;
            var beforeRate = lastRate;
            lastRun = run;
            lastRate = rate;
            if (before is int shorter && rate < beforeRate && run <= shorter)
            {
                floor = Math.Max(floor, beforeRate);
                hold = 0;
                reason = string.Format(CultureInfo.InvariantCulture, "it refused a request ({0}) after {1} requests at {2}/s, no more than after {3} at {4}/s: its refusals do not follow the rate", status, run, PaceChange.Format(rate), shorter, PaceChange.Format(beforeRate));
                return beforeRate;
            }

            // The host was idle through the pause, so since its end it accepted at most one burst (what it
            // took before its first refusal) and r per second: r is at least (accepted - burst) / time.
            var since = (now - pacedSince).TotalSeconds;
            var least = since > 0 ? (run - burst) / since : 0;
            var deepest = DeepestCut * rate;
            var mildest = MildestCut * rate;
            var cut = least < deepest ? deepest : least > mildest ? mildest : least;
            reason = string.Format(CultureInfo.InvariantCulture, "it refused a request ({0}) at {1}/s", status, PaceChange.Format(rate));
            if (cut > floor)
            {
                hold = HoldPauses;
                return cut;
            }

            // Down to the floor its refusals were found not to follow the rate: no cut, and the rise goes on
            // across them (a cut above the floor, from twice it, still stops a runaway).
            hold = double.NaN;
            refusedSinceStep = true;
            return rate;
        }

        // What the host accepted per second since the last step, or since the last pause ended if that says
        // more (the rise may go on across refusals that do not follow the rate, and their pauses send nothing).
        private double? Used(TimeSpan now)
        {
            double? used = null;
            if (now - grownAt >= ShortestMeasure)
            {
                used = acceptedSinceGrown / (now - grownAt).TotalSeconds;
            }

            if (now - pacedSince >= ShortestMeasure)
            {
                var sincePause = acceptedSincePaced / (now - pacedSince).TotalSeconds;
                used = used is double u && u > sincePause ? u : sincePause;
            }

            return used;
        }

        private double Limit(double rate) => ceiling > 0 && rate > ceiling ? ceiling : rate;
    }
}
