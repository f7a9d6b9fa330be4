using System;

namespace ThrottledFetch.Engine.Scheduling
{
    /// <summary>
    /// About how many events (answers a host accepted) fell in the last window, from two fixed buckets
    /// (the current window and the one before, weighted by how much of it still lies in the last window),
    /// as sliding-window rate limiters count. Constant memory for every host, however many requests it
    /// gets. Not thread-safe: the gate uses it under its lock.
    /// </summary>
    internal sealed class RecentCount
    {
        private readonly long window;
        private long bucket = long.MinValue;
        private int current;
        private int previous;

        public RecentCount(TimeSpan window)
        {
            this.window = window.Ticks;
        }

        /// <param name="at">Time since a fixed origin (the pace's clock).</param>
        public void Add(TimeSpan at)
        {
            var index = at.Ticks / window;
            if (index != bucket)
            {
                previous = index == bucket + 1 ? current : 0;
                current = 0;
                bucket = index;
            }

            current++;
        }

        /// <summary>Events in the window that ends at <paramref name="now"/>.</summary>
        public double InLastWindow(TimeSpan now)
        {
            var index = now.Ticks / window;
            var left = 1 - ((double)(now.Ticks % window) / window);
            if (index == bucket)
            {
                return current + (previous * left);
            }

            return index == bucket + 1 ? current * left : 0;
        }
    }
}
