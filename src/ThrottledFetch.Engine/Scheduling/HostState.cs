using System;

namespace ThrottledFetch.Engine.Scheduling
{
    /// <summary>What the gate knows about one scheme+host+port.</summary>
    internal sealed class HostState
    {
        public HostState(string key, HostRate rate, HostPace? pace)
        {
            Key = key;
            Rate = rate;
            Pace = pace;
        }

        public string Key { get; }

        public int Active { get; set; }

        /// <summary>No request starts to this host before this time (Retry-After).</summary>
        public DateTimeOffset PausedUntil { get; set; }

        /// <summary>Request starts at most N per second (given, or learned by <see cref="Pace"/>), or unlimited.</summary>
        public HostRate Rate { get; }

        /// <summary>The rate learned from the host's refusals; null when learning is off.</summary>
        public HostPace? Pace { get; }

        /// <summary>A wake-up is already scheduled for this time (avoids piling up timers).</summary>
        public DateTimeOffset WakeScheduledFor { get; set; }

        public static string KeyOf(Uri uri) => Http.Origin.KeyOf(uri);
    }
}
