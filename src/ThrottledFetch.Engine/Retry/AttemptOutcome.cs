using System;

namespace ThrottledFetch.Engine.Retry
{
    /// <summary>How one HTTP attempt ended; the retry pipeline decides from it whether to try again.</summary>
    internal sealed class AttemptOutcome
    {
        private AttemptOutcome(bool succeeded, int? statusCode, DownloadError? error, bool transient, TimeSpan? retryAfter)
        {
            Succeeded = succeeded;
            StatusCode = statusCode;
            Error = error;
            Transient = transient;
            RetryAfter = retryAfter;
        }

        public bool Succeeded { get; }

        public int? StatusCode { get; }

        public DownloadError? Error { get; }

        /// <summary>Worth another attempt.</summary>
        public bool Transient { get; }

        /// <summary>What the server asked for in Retry-After, if anything.</summary>
        public TimeSpan? RetryAfter { get; }

        /// <summary>The file name the server suggested (Content-Disposition), if any.</summary>
        public string? ServerFileName { get; private set; }

        public static AttemptOutcome Success(int statusCode, string? serverFileName) =>
            new AttemptOutcome(true, statusCode, null, false, null) { ServerFileName = serverFileName };

        public static AttemptOutcome Failure(DownloadError error, bool transient, TimeSpan? retryAfter = null) =>
            new AttemptOutcome(false, error.StatusCode, error, transient, retryAfter);
    }
}
