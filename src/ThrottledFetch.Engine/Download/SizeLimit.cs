using ThrottledFetch.Engine.Retry;

namespace ThrottledFetch.Engine.Download
{
    /// <summary>
    /// The most bytes a saved file may have (curl's --max-filesize). An announced length is judged before the
    /// body is read; a body without one is judged as it streams, and stopped as soon as it passes. Neither is
    /// retried: the server would send the same body again.
    /// </summary>
    internal static class SizeLimit
    {
        /// <summary>The failure for a file the server says will be <paramref name="length"/> bytes, or null when it fits.</summary>
        public static AttemptOutcome? Announced(DownloadOptions options, ItemState item, long? length, int status)
        {
            if (options.MaximumFileSize <= 0 || !(length > options.MaximumFileSize))
            {
                return null;
            }

            return Failure($"'{item.Request.Uri}' is {length} bytes, more than the {options.MaximumFileSize} bytes allowed; it was not downloaded.", status);
        }

        /// <summary>The file would grow to <paramref name="length"/> bytes: the failure when that passes the limit, or null.</summary>
        public static AttemptOutcome? Passed(DownloadOptions options, ItemState item, long length, int status)
        {
            if (options.MaximumFileSize <= 0 || length <= options.MaximumFileSize)
            {
                return null;
            }

            return Failure($"'{item.Request.Uri}' is more than the {options.MaximumFileSize} bytes allowed (its length was not announced); it was stopped there and not kept.", status);
        }

        private static AttemptOutcome Failure(string message, int status) =>
            AttemptOutcome.Failure(new DownloadError(DownloadErrorKind.TooLarge, message, null, status), transient: false);
    }
}
