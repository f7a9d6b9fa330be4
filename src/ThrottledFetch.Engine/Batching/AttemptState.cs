using System;

namespace ThrottledFetch.Engine.Batching
{
    /// <summary>What the item runner keeps of one item from attempt to attempt; a handler adds its own.</summary>
    internal abstract class AttemptState
    {
        protected AttemptState(BatchItem item, TransferProgress progress)
        {
            Item = item;
            HostKey = Http.Origin.KeyOf(item.Uri);
            Progress = progress;
        }

        public BatchItem Item { get; }

        /// <summary>The origin whose limits, rate and pauses the item's requests count against.</summary>
        public string HostKey { get; }

        public TransferProgress Progress { get; }

        public int Attempts { get; set; }

        public int? LastStatusCode { get; set; }

        /// <summary>When the first request got its slot: a result's Duration counts from here, not from the queue.</summary>
        public long? FirstRequestAt { get; set; }

        /// <summary>Shown to the caller as a transfer under way (posted Started, not yet Stopped or Finished).</summary>
        public bool Shown { get; set; }

        /// <summary>Waiting for a backoff or a host pause, out of the batch's window (see <see cref="ItemWindow"/>).</summary>
        public bool Waiting { get; set; }

        /// <summary>The item starts waiting for its next attempt: let go of what it need not hold meanwhile.</summary>
        public virtual void OnWait()
        {
        }
    }
}
