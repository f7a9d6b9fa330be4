using System;
using System.Threading;

namespace ThrottledFetch.Engine.Scheduling
{
    /// <summary>A held request slot (global and per host); disposing it frees both, once.</summary>
    internal sealed class GateLease : IDisposable
    {
        private readonly ConnectionGate gate;
        private readonly HostState host;
        private int released;

        public GateLease(ConnectionGate gate, HostState host)
        {
            this.gate = gate;
            this.host = host;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                gate.Release(host);
            }
        }
    }
}
