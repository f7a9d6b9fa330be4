using System;
using System.Globalization;

namespace ThrottledFetch
{
    /// <summary>A host (scheme://host:port) that a Retry-After pause holds back, and until when.</summary>
    public sealed class PausedHost
    {
        public PausedHost(string host, DateTimeOffset until)
        {
            Host = host;
            Until = until;
        }

        public string Host { get; }

        public DateTimeOffset Until { get; }

        public override string ToString() =>
            Host + " until " + Until.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
    }
}
