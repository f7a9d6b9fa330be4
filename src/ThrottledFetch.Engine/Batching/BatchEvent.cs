namespace ThrottledFetch.Engine
{
    public enum BatchEventKind
    {
        /// <summary>An item ended: <see cref="BatchEvent{TResult}.Result"/> is set, and <see cref="BatchEvent{TResult}.Error"/> when it failed.</summary>
        Finished,

        /// <summary>A diagnostic line (a retry, a repeat).</summary>
        Verbose,

        /// <summary>An item holds a slot and talks to the server: <see cref="BatchEvent{TResult}.Progress"/> is its live view.</summary>
        Started,

        /// <summary>
        /// An item that had started let go of its slot: it waits for its next attempt, or it is about to end.
        /// Posted before the slot is freed, so the item that gets the slot is never shown beside it.
        /// </summary>
        Stopped,
    }

    /// <summary>A plain record that workers post for the caller's thread to write: the one way back from a batch.</summary>
    public sealed class BatchEvent<TResult>
        where TResult : class
    {
        private BatchEvent(BatchEventKind kind, BatchItem? item, TResult? result, DownloadError? error, string? message, TransferProgress? progress = null)
        {
            Progress = progress;
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

        /// <summary>For <see cref="BatchEventKind.Started"/>: the transfer's live counters, read by the caller's progress display.</summary>
        public TransferProgress? Progress { get; }

        public static BatchEvent<TResult> Finished(BatchItem item, TResult result, DownloadError? error = null) =>
            new BatchEvent<TResult>(BatchEventKind.Finished, item, result, error, null);

        public static BatchEvent<TResult> Verbose(string message) =>
            new BatchEvent<TResult>(BatchEventKind.Verbose, null, null, null, message);

        public static BatchEvent<TResult> Started(BatchItem item, TransferProgress progress) =>
            new BatchEvent<TResult>(BatchEventKind.Started, item, null, null, null, progress);

        public static BatchEvent<TResult> Stopped(BatchItem item) =>
            new BatchEvent<TResult>(BatchEventKind.Stopped, item, null, null, null);
    }
}
