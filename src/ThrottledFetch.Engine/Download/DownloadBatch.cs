using ThrottledFetch.Engine.Download;

namespace ThrottledFetch.Engine
{
    /// <summary>One invocation's downloads: a <see cref="Batch{TItem, TResult}"/> with the download handler.</summary>
    public sealed class DownloadBatch : Batch<DownloadRequest, DownloadResult>
    {
        private readonly DownloadOptions options;

        /// <summary>A batch on a session it borrows (shared with other batches; the caller disposes it).</summary>
        public DownloadBatch(HttpSession session, DownloadOptions options)
            : this(session, options, ownsSession: false)
        {
        }

        /// <summary>A batch on a session of its own, closed with the batch.</summary>
        public DownloadBatch(SessionOptions session, DownloadOptions options)
            : this(new HttpSession(session), options, ownsSession: true)
        {
        }

        private DownloadBatch(HttpSession session, DownloadOptions options, bool ownsSession)
            : base(session, new DownloadHandler(session, options), ownsSession)
        {
            this.options = options;
        }

        /// <summary>The full path an item will be saved to, decided before any request (for -WhatIf).</summary>
        public string PlanPath(DownloadRequest request) => TargetPath.Plan(request, options.Destination);
    }
}
