using System.Collections.Concurrent;
using System.Globalization;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// Content that changes on the server: ?version=KEY makes a response serve version N of KEY (1 until
    /// /_control/version/KEY/N says otherwise), with that version's bytes (seed N), ETag and Last-Modified,
    /// so a test can change a file between two runs at one URL.
    /// </summary>
    public static class ContentVersions
    {
        private static readonly ConcurrentDictionary<string, int> Versions = new();

        public static int Of(string key) => Versions.TryGetValue(key, out var version) ? version : 1;

        public static void Set(string key, int version) => Versions[key] = version;

        /// <summary>Version N was last modified N days after the fixed date the other content carries.</summary>
        public static string LastModifiedOf(int version) =>
            System.DateTime.Parse(ContentResponse.LastModified, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)
                .AddDays(version - 1)
                .ToString("R", CultureInfo.InvariantCulture);
    }
}
