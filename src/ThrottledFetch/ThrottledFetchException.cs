using System;
using ThrottledFetch.Engine;

namespace ThrottledFetch
{
    /// <summary>The exception inside a failed item's ErrorRecord: the engine's failure kind and the HTTP status, with the cause.</summary>
    public abstract class ThrottledFetchException : Exception
    {
        protected ThrottledFetchException(DownloadErrorKind kind, string message, int? statusCode, Exception? inner)
            : base(message, inner)
        {
            Kind = kind;
            StatusCode = statusCode;
        }

        public DownloadErrorKind Kind { get; }

        public int? StatusCode { get; }
    }
}
