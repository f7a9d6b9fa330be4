using System.Collections.Concurrent;

namespace ThrottledFetch.Testing
{
    /// <summary>Per-key attempt numbers for the failing endpoints (/flaky, /reset, ...). The first attempt is 1.</summary>
    internal sealed class AttemptCounter
    {
        private readonly ConcurrentDictionary<string, int> attempts = new();

        /// <summary>Counts one more attempt for the endpoint/key pair and returns its number.</summary>
        public int Next(string endpoint, string key) =>
            attempts.AddOrUpdate(endpoint + "/" + key, 1, (_, previous) => previous + 1);

        public void Clear() => attempts.Clear();
    }
}
