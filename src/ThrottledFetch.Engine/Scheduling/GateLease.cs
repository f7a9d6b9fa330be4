using System;
using System.Threading;

namespace ThrottledFetch.Engine.Scheduling
{
    /// <summary>A held request slot (global and per host); disposing it frees both, once.</summary>
    internal sealed class GateLease : IDisposable
    {
        private readonly ConnectionGate gate;
        private int released;

        public GateLease(ConnectionGate gate, HostState host, long startedAt)
        {
            this.gate = gate;
            Host = host;
            StartedAt = startedAt;
        }

        public HostState Host { get; }

        /// <summary>When the slot was granted (a timestamp of the gate's TimeProvider): the request's start.</summary>
        public long StartedAt { get; }

        public void Dispose()
        {
            if (MarkReleased())
            {
                gate.Release(Host);
            }
        }

        /// <summary>True once: the caller frees the slot (the gate, when it frees it with an answer).</summary>
        internal bool MarkReleased() => Interlocked.Exchange(ref released, 1) == 0;
    }
}
