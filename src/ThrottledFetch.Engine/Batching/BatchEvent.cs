namespace ThrottledFetch.Engine
{
    public enum DownloadEventKind
    {
        /// <summary>An item ended: <see cref="DownloadEvent.Result"/> is set, and <see cref="DownloadEvent.Error"/> when it failed.</summary>
        Finished,

        /// <summary>A diagnostic line (a retry, a redirect).</summary>
        Verbose,
    }

    /// <summary>A plain record that workers post for the caller's thread to write.</summary>
    public sealed class DownloadEvent
    {
        private DownloadEvent(DownloadEventKind kind, DownloadRequest? request, DownloadResult? result, DownloadError? error, string? message)
        {
            Kind = kind;
            Request = request;
            Result = result;
            Error = error;
            Message = message;
        }

        public DownloadEventKind Kind { get; }

        public DownloadRequest? Request { get; }

        public DownloadResult? Result { get; }

        public DownloadError? Error { get; }

        public string? Message { get; }

        public static DownloadEvent Finished(DownloadRequest request, DownloadResult result, DownloadError? error = null) =>
            new DownloadEvent(DownloadEventKind.Finished, request, result, error, null);

        public static DownloadEvent Verbose(string message) =>
            new DownloadEvent(DownloadEventKind.Verbose, null, null, null, message);
    }
}
