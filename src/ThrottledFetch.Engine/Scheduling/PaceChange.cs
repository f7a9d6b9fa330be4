using System.Globalization;

namespace ThrottledFetch.Engine.Scheduling
{
    /// <summary>A host's learned pace moved: the new rate, and why, in words for a verbose line.</summary>
    internal sealed class PaceChange
    {
        public PaceChange(double requestsPerSecond, string reason)
        {
            RequestsPerSecond = requestsPerSecond;
            Reason = reason;
        }

        public double RequestsPerSecond { get; }

        public string Reason { get; }

        /// <summary>The verbose line: which host, its new rate, and why.</summary>
        public string Describe(string hostKey) =>
            string.Format(CultureInfo.InvariantCulture, "Pacing requests to {0} at {1} per second: {2}.", hostKey, Format(RequestsPerSecond), Reason);

        /// <summary>A rate as people read it: whole requests per second, or two decimals below 10.</summary>
        public static string Format(double requestsPerSecond) =>
            requestsPerSecond.ToString(requestsPerSecond >= 10 ? "0" : "0.##", CultureInfo.InvariantCulture);
    }
}
