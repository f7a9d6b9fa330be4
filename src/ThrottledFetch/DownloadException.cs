using System;
using ThrottledFetch.Engine;

namespace ThrottledFetch
{
    /// <summary>The exception inside the ErrorRecord of a download (Invoke-ThrottledDownload) that failed.</summary>
    public sealed class DownloadException : ThrottledFetchException
    {
        public DownloadException(DownloadErrorKind kind, string message, int? statusCode, Exception? inner)
            : base(kind, message, statusCode, inner)
        {
        }
    }
}
