using System;
using ThrottledFetch.Engine.Batching;

namespace ThrottledFetch.Engine.Download
{
    /// <summary>What one item carries from attempt to attempt.</summary>
    internal sealed class ItemState : AttemptState
    {
        public ItemState(DownloadRequest request, PartialFile part, TransferProgress progress, Func<ItemState, string?, DownloadError?> claimName)
            : base(request, progress)
        {
            Request = request;
            Part = part;
            ClaimName = claimName;
            FinalPath = part.FinalPath;
        }

        public DownloadRequest Request { get; }

        public PartialFile Part { get; }

        /// <summary>Called when response headers arrive with the server's name (or none): claims the final name.</summary>
        public Func<ItemState, string?, DownloadError?> ClaimName { get; }

        /// <summary>Where the file goes: the planned path, or the server's name once claimed.</summary>
        public string FinalPath { get; set; }

        /// <summary>The final name is claimed against every other item of the batch.</summary>
        public bool FinalClaimed { get; set; }

        /// <summary>What identifies the version of the body in the part file (If-Range, or the total length).</summary>
        public ResumeValidator? Validator { get; set; }

        /// <summary>The server's Last-Modified for the body, given to the saved file.</summary>
        public DateTimeOffset? ServerModified { get; set; }

        /// <summary>The server said it serves byte ranges for this body.</summary>
        public bool AcceptsRanges { get; set; }

        /// <summary>-Resume moved the user's final-name file to the part file to continue it.</summary>
        public bool MovedFromFinal { get; set; }

        /// <summary>The part file was written to or truncated during this run.</summary>
        public bool PartChanged { get; set; }

        /// <summary>The part file may be continued on the next attempt (a resumed run or an earlier attempt).</summary>
        public bool CanContinue => AcceptsRanges && Validator != null && Part.Length > 0;

        /// <summary>No file is kept open while the item waits: thousands of waiting items cost no handles.</summary>
        public override void OnWait() => Part.Close();
    }
}
