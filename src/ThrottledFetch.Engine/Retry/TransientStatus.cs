namespace ThrottledFetch.Engine.Retry
{
    /// <summary>Which HTTP statuses are worth another attempt (as Invoke-WebRequest and most clients agree).</summary>
    internal static class TransientStatus
    {
        public static bool IsTransient(int status) =>
            status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }
}
