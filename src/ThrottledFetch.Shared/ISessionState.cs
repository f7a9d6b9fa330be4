using System;
using System.Collections.Generic;
using ThrottledFetch.Engine;

namespace ThrottledFetch
{
    /// <summary>
    /// What a <see cref="ThrottledSession"/> reads of the engine session behind it: its settings and its live
    /// counters, in plain types. The engine's HttpSession implements it; the session object knows only this,
    /// so both can move to an assembly of shared types that never loads the engine.
    /// </summary>
    public interface ISessionState : IDisposable
    {
        SessionOptions Options { get; }

        bool IsClosed { get; }

        /// <summary>Requests holding a slot now, all batches on the session together.</summary>
        int InFlight { get; }

        /// <summary>Requests queued for a slot now (the limit, a host limit, a Retry-After pause or the rate).</summary>
        int Waiting { get; }

        /// <summary>The hosts a Retry-After pause holds back now.</summary>
        IReadOnlyList<PausedHost> PausedHosts { get; }
    }
}
