using System;

namespace ThrottledFetch.Engine.Scheduling
{
    /// <summary>
    /// How many events (answers a host accepted) fell in the recent past, kept in fixed time slots so
    /// that memory stays small and constant whatever the request rate. Counts are exact to one slot.
    /// Not thread-safe: the gate uses it under its lock.
    /// </summary>
    internal sealed class RecentCount
    {
        private readonly long slotTicks;
        private readonly long[] slotOf;
        private readonly int[] counts;

        /// <param name="span">How far back counts are kept.</param>
        /// <param name="slot">The resolution: an event is dated to its slot.</param>
        public RecentCount(TimeSpan span, TimeSpan slot)
        {
            slotTicks = slot.Ticks;
            var slots = (int)Math.Ceiling((double)span.Ticks / slot.Ticks) + 1;
            slotOf = new long[slots];
            counts = new int[slots];
            for (var i = 0; i < slots; i++)
            {
                slotOf[i] = -1;
            }
        }

        /// <param name="at">Time since a fixed origin (the gate's clock), as a <see cref="TimeSpan"/>.</param>
        public void Add(TimeSpan at)
        {
            var slot = at.Ticks / slotTicks;
            var i = (int)(slot % counts.Length);
            if (slotOf[i] != slot)
            {
                slotOf[i] = slot;
                counts[i] = 0;
            }

            counts[i]++;
        }

        /// <summary>Events from <paramref name="from"/> (its whole slot included) up to <paramref name="now"/>.</summary>
        public int Count(TimeSpan from, TimeSpan now)
        {
            var first = from.Ticks / slotTicks;
            var last = now.Ticks / slotTicks;
            var total = 0;
            for (var i = 0; i < counts.Length; i++)
            {
                if (slotOf[i] >= first && slotOf[i] <= last)
                {
                    total += counts[i];
                }
            }

            return total;
        }
    }
}
