using System;
using System.Threading;

namespace ThrottledFetch.Engine.Batching
{
    /// <summary>
    /// The unfinished items of a batch, in two bounded sets: the window (queued at the gate or talking to the
    /// server) and the waiting set (in a retry backoff or a host pause, holding no slot). Input is admitted
    /// while both have room, so items that wait never stop the input that keeps the slots busy.
    /// </summary>
    internal sealed class ItemWindow
    {
        // Both counts live in one 64-bit word (low half: the window, high half: waiting), so every move is
        // one atomic step and a reader never sees an item in neither set (a batch that looks done) or in both.
        private const long OneWaiting = 1L << 32;
        private const long WindowMask = 0xFFFFFFFFL;

        private readonly Action changed;
        private long counts;

        public ItemWindow(int capacity, int waitingCapacity, Action changed)
        {
            Capacity = capacity;
            WaitingCapacity = waitingCapacity;
            this.changed = changed;
        }

        /// <summary>Most items admitted into the window; items coming back from a wait may go above it for a while.</summary>
        public int Capacity { get; }

        /// <summary>Most items waiting at once.</summary>
        public int WaitingCapacity { get; }

        public int InWindow => (int)(Interlocked.Read(ref counts) & WindowMask);

        public int Waiting => (int)(Interlocked.Read(ref counts) >> 32);

        /// <summary>No unfinished item, waiting or not.</summary>
        public bool IsEmpty => Interlocked.Read(ref counts) == 0;

        /// <summary>A new item may be admitted: neither set is full.</summary>
        public bool HasRoom
        {
            get
            {
                var now = Interlocked.Read(ref counts);
                return (now & WindowMask) < Capacity && (now >> 32) < WaitingCapacity;
            }
        }

        public void Admit() => Interlocked.Increment(ref counts);

        /// <summary>The item ended; it is in the window (an item always stops waiting before it ends).</summary>
        public void Finish()
        {
            Interlocked.Decrement(ref counts);
            changed();
        }

        /// <summary>The item leaves the window to wait (idempotent); its place there goes to new input at once.</summary>
        public void StartWaiting(AttemptState item)
        {
            if (item.Waiting)
            {
                return;
            }

            item.Waiting = true;
            Interlocked.Add(ref counts, OneWaiting - 1);
            changed();
        }

        /// <summary>The item's wait is over (it holds a slot again); idempotent.</summary>
        public void StopWaiting(AttemptState item)
        {
            if (!item.Waiting)
            {
                return;
            }

            item.Waiting = false;
            Interlocked.Add(ref counts, 1 - OneWaiting);

            // The waiting set may have been full.
            changed();
        }
    }
}
