namespace ThrottledFetch.Engine
{
    /// <summary>A host whose requests keep to a rate learned from its refusals.</summary>
    public sealed class PacedHost
    {
        public PacedHost(string host, double requestsPerSecond)
        {
            Host = host;
            RequestsPerSecond = requestsPerSecond;
        }

        /// <summary>Scheme, host and port.</summary>
        public string Host { get; }

        public double RequestsPerSecond { get; }
    }
}
