using ThrottledFetch.Engine.Files;

namespace ThrottledFetch.Engine
{
    /// <summary>What one item carries from attempt to attempt.</summary>
    internal sealed class ItemState
    {
        public ItemState(DownloadRequest request, string hostKey, PartialFile part, TransferProgress progress)
        {
            Request = request;
            HostKey = hostKey;
            Part = part;
            Progress = progress;
        }

        public DownloadRequest Request { get; }

        public string HostKey { get; }

        public PartialFile Part { get; }

        public TransferProgress Progress { get; }

        public int Attempts { get; set; }

        public int? LastStatusCode { get; set; }

        /// <summary>When the first request got its slot: the result's Duration counts from here, not from the queue.</summary>
        public long? FirstRequestAt { get; set; }

        /// <summary>The ETag or Last-Modified of the body in the part file, for If-Range.</summary>
        public string? Validator { get; set; }

        /// <summary>The server said it serves byte ranges for this body.</summary>
        public bool AcceptsRanges { get; set; }

        /// <summary>-Resume moved the user's final-name file to the part file to continue it.</summary>
        public bool MovedFromFinal { get; set; }

        /// <summary>The part file was written to or truncated during this run.</summary>
        public bool PartChanged { get; set; }

        /// <summary>Between attempts: in a backoff or a host pause, out of the batch's window (see <see cref="ItemWindow"/>).</summary>
        public bool Waiting { get; set; }

        /// <summary>The part file may be continued on the next attempt (a resumed run or an earlier attempt).</summary>
        public bool CanContinue => AcceptsRanges && Part.Length > 0;
    }
}
