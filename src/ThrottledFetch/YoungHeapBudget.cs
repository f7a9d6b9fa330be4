using System;

namespace ThrottledFetch
{
    /// <summary>
    /// Keeps the collector's youngest generation small while a command pumps its batch. A cold pwsh sizes that
    /// generation from the CPU cache (about 70 MB here), so a long pipeline grows the process by that much before
    /// the first collection, while what it keeps alive is a few MB (the item window, PowerShell's pipeline).
    /// Collecting it after every <see cref="Budget"/> bytes allocated in the process, when the runtime has not done so
    /// itself, holds the process near pwsh's own size for a small cost: each such collection finds little alive.
    /// </summary>
    internal sealed class YoungHeapBudget
    {
        private const long Budget = 16L * 1024 * 1024;

#if NET8_0_OR_GREATER
        private long mark = GC.GetTotalAllocatedBytes(false);
        private int collections = GC.CollectionCount(0);
#endif

        /// <summary>Called from the pump on the pipeline thread; cheap when nothing is due.</summary>
        public void Check()
        {
#if NET8_0_OR_GREATER
            var allocated = GC.GetTotalAllocatedBytes(false);
            var count = GC.CollectionCount(0);
            if (count != collections)
            {
                collections = count;
                mark = allocated;
            }
            else if (allocated - mark >= Budget)
            {
                GC.Collect(0, GCCollectionMode.Forced, blocking: true);
                collections = GC.CollectionCount(0);
                mark = allocated;
            }
#endif
        }
    }
}
