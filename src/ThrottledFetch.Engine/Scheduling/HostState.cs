using System;
using System.Threading.RateLimiting;

namespace ThrottledFetch.Engine.Scheduling
{
    /// <summary>What the gate knows about one scheme+host+port.</summary>
    internal sealed class HostState
    {
        public HostState(string key, TokenBucketRateLimiter? rate)
        {
            Key = key;
            Rate = rate;
        }

        public string Key { get; }

        public int Active { get; set; }

        /// <summary>No request starts to this host before this time (Retry-After).</summary>
        public DateTimeOffset PausedUntil { get; set; }

        /// <summary>Request starts at most N per second: a token bucket of capacity 1.</summary>
        public TokenBucketRateLimiter? Rate { get; }

        /// <summary>The gate has asked the rate limiter for the next token and waits for it.</summary>
        public bool TokenPending { get; set; }

        /// <summary>A token came from the limiter and is kept for the next start (only while the gate pumps).</summary>
        public bool TokenHeld { get; set; }

        /// <summary>A wake-up is already scheduled for this time (avoids piling up timers).</summary>
        public DateTimeOffset WakeScheduledFor { get; set; }

        public static string KeyOf(Uri uri) => Http.Origin.KeyOf(uri);
    }
}
