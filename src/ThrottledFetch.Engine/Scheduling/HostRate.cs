using System;
using System.Threading.RateLimiting;
using System.Threading.Tasks;

namespace ThrottledFetch.Engine.Scheduling
{
    /// <summary>
    /// The request rate of one host as a token bucket of capacity 1, so starts are at least 1/N s apart and
    /// never a burst. Its options are immutable: a new rate is a new limiter. When no token is left, the
    /// limiter itself is asked for the next one (one queued acquisition), so a waiting start comes at its
    /// refill and not at a timer of the gate's that could only guess it (a failed lease's RetryAfter is a
    /// whole period, whatever is left of it). Not thread-safe: the gate uses it under its lock.
    /// </summary>
    internal sealed class HostRate : IDisposable
    {
        private readonly bool manualReplenishment;
        private readonly Action<object, bool> arrived;
        private TokenBucketRateLimiter? limiter;
        private bool pending;
        private bool held;

        /// <param name="arrived">
        /// Called off the lock when the limiter answers the gate's request for a token: with the limiter it
        /// came from and whether a token was acquired. The gate then calls <see cref="Arrived"/>.
        /// </param>
        /// <param name="manualReplenishment">Tests only: the bucket never refills, so a second start waits for good.</param>
        public HostRate(Action<object, bool> arrived, bool manualReplenishment)
        {
            this.arrived = arrived;
            this.manualReplenishment = manualReplenishment;
        }

        /// <summary>The refill period of the limiter, or null while starts are not limited.</summary>
        public TimeSpan? Period => limiter?.ReplenishmentPeriod;

        public bool IsLimited => limiter != null;

        /// <summary>From now on, at most <paramref name="requestsPerSecond"/> starts per second; the first may come at once.</summary>
        public void Set(double requestsPerSecond)
        {
            var old = limiter;
            limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = 1,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromTicks(Math.Max(1, (long)(TimeSpan.TicksPerSecond / requestsPerSecond))),
                QueueLimit = 1,
                AutoReplenishment = !manualReplenishment,
            });
            pending = false;
            held = false;

            // Its queued acquisition fails; the gate ignores an answer from a limiter it no longer has.
            old?.Dispose();
        }

        /// <summary>Takes a token for one start. When there is none, asks the limiter for the next one (once).</summary>
        public bool TryTake()
        {
            var current = limiter;
            if (current == null || held)
            {
                held = false;
                return true;
            }

            if (pending)
            {
                return false;
            }

            using (var lease = current.AttemptAcquire(1))
            {
                if (lease.IsAcquired)
                {
                    return true;
                }
            }

            var next = current.AcquireAsync(1);
            if (next.IsCompleted)
            {
                using var lease = next.Result;
                return lease.IsAcquired;
            }

            pending = true;
            _ = next.AsTask().ContinueWith(
                done =>
                {
                    var acquired = false;
                    if (done.Status == TaskStatus.RanToCompletion)
                    {
                        acquired = done.Result.IsAcquired;
                        done.Result.Dispose();
                    }

                    arrived(current, acquired);
                },
                TaskScheduler.Default);
            return false;
        }

        /// <summary>
        /// The limiter answered the request for a token. False when it is no longer this host's limiter
        /// (replaced by a new rate, or disposed); else an acquired token is held for the next start.
        /// </summary>
        public bool Arrived(object from, bool acquired)
        {
            if (!ReferenceEquals(from, limiter))
            {
                return false;
            }

            pending = false;
            held = acquired;
            return true;
        }

        /// <summary>A held token nobody took (its waiter was cancelled) is dropped, so two starts never go back to back.</summary>
        public void DropHeld() => held = false;

        public void Dispose()
        {
            limiter?.Dispose();
            limiter = null;
        }
    }
}
