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
            : base(session, new DownloadHandler(session, Checked(options)), ownsSession)
        {
            this.options = options;
        }

        // Before the batch joins the session. Callers check first and name the parameter; this keeps a header
        // that would split the request off the wire whoever forgot.
        private static DownloadOptions Checked(DownloadOptions options)
        {
            Http.HeaderValues.ThrowIfInvalid(options?.Headers);
            return options!;
        }

        /// <summary>The full path an item will be saved to, decided before any request (for -WhatIf).</summary>
        public string PlanPath(DownloadRequest request) => TargetPath.Plan(request, options.Destination);
    }
}
