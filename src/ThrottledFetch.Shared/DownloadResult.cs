using System;

namespace ThrottledFetch
{
    /// <summary>How one item of a batch ended.</summary>
    public enum DownloadStatus
    {
        Completed,
        Skipped,
        Failed,
    }

    /// <summary>One item's outcome, written down the pipeline as soon as the item ends.</summary>
    public sealed class DownloadResult
    {
        public DownloadResult(Uri? uri, string? path, DownloadStatus status, int? statusCode, long length, int attempts, TimeSpan duration, string? error, string? input = null)
        {
            Input = input ?? uri?.OriginalString ?? string.Empty;
            Uri = uri;
            Path = path;
            Status = status;
            StatusCode = statusCode;
            Length = length;
            Attempts = attempts;
            Duration = duration;
            Error = error;
        }

        /// <summary>The pipeline input as given (a line that was no URL is still named).</summary>
        public string Input { get; }

        /// <summary>The requested address (null only when the input was not a valid URL).</summary>
        public Uri? Uri { get; }

        /// <summary>The full file-system path of the file (planned path when the item failed).</summary>
        public string? Path { get; }

        public DownloadStatus Status { get; }

        /// <summary>The last HTTP status received; null when no response came.</summary>
        public int? StatusCode { get; }

        /// <summary>Bytes on disk.</summary>
        public long Length { get; }

        public int Attempts { get; }

        /// <summary>From the first request (not the wait in the queue before it) to the end, retries included.</summary>
        public TimeSpan Duration { get; }

        /// <summary>Why the item failed; null unless <see cref="Status"/> is Failed.</summary>
        public string? Error { get; }

        public override string ToString() => Path ?? Uri?.ToString() ?? Input;
    }
}
