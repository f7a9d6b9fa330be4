using System.Threading;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// Counts requests currently in flight, the highest count seen, and the total since the last reset.
    /// Lock-free so counting adds no serialisation that could hide concurrency from the tests.
    /// </summary>
    internal sealed class InFlightCounter
    {
        private readonly ChangeSignal signal;
        private int inFlight;
        private int peak;
        private int total;

        public InFlightCounter(ChangeSignal signal)
        {
            this.signal = signal;
        }

        public int InFlight => Volatile.Read(ref inFlight);

        public int Peak => Volatile.Read(ref this.peak);

        public int Total => Volatile.Read(ref this.total);

        public void Enter()
        {
            Interlocked.Increment(ref this.total);
            RaisePeak(Interlocked.Increment(ref inFlight));
            this.signal.Pulse();
        }

        public void Leave()
        {
            Interlocked.Decrement(ref inFlight);
            this.signal.Pulse();
        }

        /// <summary>
        /// Zeroes the total and restarts the peak from the requests still in flight
        /// (the peak can never be below the current count).
        /// </summary>
        public void Reset()
        {
            Volatile.Write(ref this.total, 0);
            Volatile.Write(ref this.peak, InFlight);
            // An Enter racing with the write above may have been overwritten; re-apply the current count.
            RaisePeak(InFlight);
            this.signal.Pulse();
        }

        private void RaisePeak(int candidate)
        {
            int seen = Volatile.Read(ref this.peak);
            while (candidate > seen)
            {
                int found = Interlocked.CompareExchange(ref this.peak, candidate, seen);
                if (found == seen)
                {
                    return;
                }
                seen = found;
            }
        }
    }
}
