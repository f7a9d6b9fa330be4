using System;

namespace ThrottledFetch.Engine
{
    /// <summary>A per-item failure: what kind, a message a person can act on, and the cause.</summary>
    public sealed class DownloadError
    {
        public DownloadError(DownloadErrorKind kind, string message, Exception? exception = null, int? statusCode = null)
        {
            Kind = kind;
            Message = message;
            Exception = exception;
            StatusCode = statusCode;
        }

        public DownloadErrorKind Kind { get; }

        public string Message { get; }

        public Exception? Exception { get; }

        public int? StatusCode { get; }
    }
}
