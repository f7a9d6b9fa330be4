using System;
using ThrottledFetch.Engine;

namespace ThrottledFetch
{
    /// <summary>The exception inside a per-item ErrorRecord: the engine's failure kind and HTTP status, with the cause.</summary>
    public sealed class DownloadException : Exception
    {
        public DownloadException(DownloadErrorKind kind, string message, int? statusCode, Exception? inner)
            : base(message, inner)
        {
            Kind = kind;
            StatusCode = statusCode;
        }

        public DownloadErrorKind Kind { get; }

        public int? StatusCode { get; }
    }
}
