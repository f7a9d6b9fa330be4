using System.Collections.Generic;

namespace ThrottledFetch.Engine
{
    /// <summary>The counts a progress display reads of a batch, whatever its items; which transfers run comes as events.</summary>
    public interface IBatchStatus
    {
        /// <summary>Items posted so far.</summary>
        long Posted { get; }

        /// <summary>Items that have ended.</summary>
        int Finished { get; }

        /// <summary>Items waiting now for a retry backoff or a host pause.</summary>
        int Waiting { get; }

        /// <summary>Hosts of the session paced now at a rate learned from their refusals.</summary>
        IReadOnlyList<PacedHost> PacedHosts { get; }
    }
}
