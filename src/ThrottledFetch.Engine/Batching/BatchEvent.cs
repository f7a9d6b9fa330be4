namespace ThrottledFetch.Engine
{
    public enum BatchEventKind
    {
        /// <summary>An item ended: <see cref="BatchEvent{TResult}.Result"/> is set, and <see cref="BatchEvent{TResult}.Error"/> when it failed.</summary>
        Finished,

        /// <summary>A diagnostic line (a retry, a repeat).</summary>
        Verbose,
    }

    /// <summary>A plain record that workers post for the caller's thread to write: the one way back from a batch.</summary>
    public sealed class BatchEvent<TResult>
        where TResult : class
    {
        private BatchEvent(BatchEventKind kind, BatchItem? item, TResult? result, DownloadError? error, string? message)
        {
            Kind = kind;
            Item = item;
            Result = result;
            Error = error;
            Message = message;
        }

        public BatchEventKind Kind { get; }

        public BatchItem? Item { get; }

        public TResult? Result { get; }

        public DownloadError? Error { get; }

        public string? Message { get; }

        public static BatchEvent<TResult> Finished(BatchItem item, TResult result, DownloadError? error = null) =>
            new BatchEvent<TResult>(BatchEventKind.Finished, item, result, error, null);

        public static BatchEvent<TResult> Verbose(string message) =>
            new BatchEvent<TResult>(BatchEventKind.Verbose, null, null, null, message);
    }
}
