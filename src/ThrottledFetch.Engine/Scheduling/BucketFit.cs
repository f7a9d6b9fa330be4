using System;
using System.Collections.Generic;

namespace ThrottledFetch.Engine.Scheduling
{
    /// <summary>
    /// The rate of the token bucket a host seems to keep (as nginx limit_req and most rate limiters do),
    /// fitted to when the requests it took started and when the one it refused started. The bucket is taken
    /// to be full when the record begins (the end of a pause: the host was idle), to hold what the host took
    /// in its first unpaced burst less what it refilled meanwhile, and to refill at the rate sought. The
    /// least rate at which every request it took fits is a lower bound of its rate; the least at which the
    /// refused one would have fit too is an upper bound; the fit is the middle, close when the requests came
    /// densely. Keeps the last thousand start times or so. Not thread-safe: the pace
    /// uses it under the gate's lock.
    /// </summary>
    internal sealed class BucketFit
    {
        private const int MostStarts = 1024;

        private const int Bisections = 40;

        private readonly List<TimeSpan> starts = new List<TimeSpan>();
        private TimeSpan from;

        /// <summary>Forgets what was recorded; from now on starts at or after <paramref name="from"/> count.</summary>
        public void Restart(TimeSpan from)
        {
            starts.Clear();
            this.from = from;
        }

        /// <summary>Forgets what was recorded, and the room it took; nothing counts until the next restart.</summary>
        public void Forget()
        {
            Restart(TimeSpan.MaxValue);
            starts.TrimExcess();
        }

        /// <summary>A request that started at <paramref name="startedAt"/> (the pace's clock) was taken.</summary>
        public void Taken(TimeSpan startedAt)
        {
            if (startedAt < from)
            {
                return;
            }

            if (starts.Count == MostStarts)
            {
                // The older half goes, and the bucket is taken to be full from the oldest start kept: more
                // tokens than it may have had, so a fit can only come out lower.
                starts.Sort();
                starts.RemoveRange(0, MostStarts / 2);
                from = starts[0];
            }

            starts.Add(startedAt);
        }

        /// <summary>
        /// The rate between <paramref name="low"/> and <paramref name="high"/> that fits: at least the least
        /// rate at which every request taken before <paramref name="refusedStart"/> fits the bucket, below the
        /// least at which the refused one would have fit too; the middle of the two. Null when nothing was
        /// recorded, or when the refused request fits even at the lowest rate.
        /// </summary>
        /// <param name="burst">What the host took in its first burst, over <paramref name="burstSpan"/>.</param>
        public double? Rate(TimeSpan refusedStart, int burst, TimeSpan burstSpan, double low, double high)
        {
            if (starts.Count == 0 || !(low < high))
            {
                return null;
            }

            starts.Sort();
            var taken = starts.BinarySearch(refusedStart);
            taken = taken < 0 ? ~taken : taken;
            starts.Insert(taken, refusedStart);
            if (Fits(low, taken + 1, burst, burstSpan))
            {
                // Even at the lowest rate such a bucket would have taken the refused request too: the refusal
                // does not follow a bucket (a server that refuses at random, or for other reasons).
                return null;
            }

            var least = Least(taken, burst, burstSpan, low, high);
            var refused = Least(taken + 1, burst, burstSpan, low, high);
            return (least + refused) / 2;
        }

        // The least rate in [low, high] at which the first `count` starts fit.
        private double Least(int count, int burst, TimeSpan burstSpan, double low, double high)
        {
            if (count == 0 || Fits(low, count, burst, burstSpan))
            {
                return low;
            }

            if (!Fits(high, count, burst, burstSpan))
            {
                return high;
            }

            for (var i = 0; i < Bisections; i++)
            {
                var middle = (low + high) / 2;
                if (Fits(middle, count, burst, burstSpan))
                {
                    high = middle;
                }
                else
                {
                    low = middle;
                }
            }

            return high;
        }

        private bool Fits(double rate, int count, int burst, TimeSpan burstSpan)
        {
            var capacity = Math.Max(1, burst - (rate * burstSpan.TotalSeconds));
            var tokens = capacity;
            var last = from;
            for (var i = 0; i < count; i++)
            {
                tokens = Math.Min(capacity, tokens + (rate * (starts[i] - last).TotalSeconds));
                last = starts[i];
                if (tokens < 1 - 1e-9)
                {
                    return false;
                }

                tokens--;
            }

            return true;
        }
    }
}
