using System.Collections.Generic;

namespace ThrottledFetch.Engine
{
    /// <summary>What a progress display reads of a batch, whatever its items.</summary>
    public interface IBatchStatus
    {
        /// <summary>Items posted so far.</summary>
        long Posted { get; }

        /// <summary>Items that have ended.</summary>
        int Finished { get; }

        /// <summary>Items waiting now for a retry backoff or a host pause.</summary>
        int Waiting { get; }

        /// <summary>Body bytes received so far, all items together.</summary>
        long BytesReceived { get; }

        /// <summary>Transfers under way now (holding a slot).</summary>
        ICollection<TransferProgress> Active { get; }

        /// <summary>Hosts of the session paced now at a rate learned from their refusals.</summary>
        IReadOnlyList<PacedHost> PacedHosts { get; }
    }
}
