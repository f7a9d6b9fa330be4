using System;
using ThrottledFetch.Engine;

namespace ThrottledFetch
{
    /// <summary>The exception inside the ErrorRecord of an API call (Invoke-ThrottledRequest) that failed.</summary>
    public sealed class RequestException : ThrottledFetchException
    {
        public RequestException(DownloadErrorKind kind, string message, int? statusCode, Exception? inner)
            : base(kind, message, statusCode, inner)
        {
        }
    }
}
