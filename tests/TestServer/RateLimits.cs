using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// One token bucket per /limited key, as a rate-limiting server keeps one per client: it holds up to
    /// {burst} tokens, refills {rate} per second by real time, and each request served takes one. The
    /// first request for a key sets its rate and burst and finds the bucket full. Counts the refusals.
    /// </summary>
    internal sealed class RateLimits
    {
        private readonly ConcurrentDictionary<string, Bucket> buckets = new();
        private int refused;

        /// <summary>Requests refused for the rate since the last reset.</summary>
        public int Refused => Volatile.Read(ref this.refused);

        /// <summary>Takes a token from the key's bucket; false (and counted) when there is none.</summary>
        public bool TryTake(string key, double rate, int burst)
        {
            var bucket = buckets.GetOrAdd(key, _ => new Bucket(rate, burst));
            if (bucket.TryTake())
            {
                return true;
            }

            Interlocked.Increment(ref this.refused);
            return false;
        }

        public void Clear()
        {
            buckets.Clear();
            Interlocked.Exchange(ref this.refused, 0);
        }

        private sealed class Bucket
        {
            private readonly object gate = new();
            private readonly double rate;
            private readonly double burst;
            private double tokens;
            private long refilledAt = Stopwatch.GetTimestamp();

            public Bucket(double rate, int burst)
            {
                this.rate = rate;
                this.burst = Math.Max(1, burst);
                this.tokens = this.burst;
            }

            public bool TryTake()
            {
                lock (gate)
                {
                    var now = Stopwatch.GetTimestamp();
                    this.tokens = Math.Min(this.burst, this.tokens + (this.rate * (now - refilledAt) / Stopwatch.Frequency));
                    refilledAt = now;
                    if (this.tokens < 1)
                    {
                        return false;
                    }

                    this.tokens -= 1;
                    return true;
                }
            }
        }
    }
}
