namespace ThrottledFetch.Engine.Retry
{
    /// <summary>Which HTTP statuses are worth another attempt (as Invoke-WebRequest and most clients agree).</summary>
    internal static class TransientStatus
    {
        /// <param name="retryAfter">The answer carried Retry-After: a 403 with it is a rate limit (GitHub's secondary limits), not a refusal for good.</param>
        public static bool IsTransient(int status, bool retryAfter = false) =>
            status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504
            || (status == 403 && retryAfter);

        /// <summary>
        /// The host refused the request for its rate: 429, or 503 or 403 with Retry-After. These teach the
        /// host's pace; a 503 without Retry-After is an error of the server, not a limit.
        /// </summary>
        public static bool IsRateLimit(int status, bool retryAfter) =>
            status == 429 || ((status == 503 || status == 403) && retryAfter);
    }
}
