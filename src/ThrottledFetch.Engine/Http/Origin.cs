using System;
using System.Globalization;

namespace ThrottledFetch.Engine.Http
{
    /// <summary>
    /// An origin: scheme, host and port. Limits and pauses are per origin, and credentials and user headers
    /// go only to the origin the user named: both use this one rule.
    /// </summary>
    internal static class Origin
    {
        public static string KeyOf(Uri uri) =>
            uri.Scheme.ToLowerInvariant() + "://" + uri.IdnHost.ToLowerInvariant() + ":" + uri.Port.ToString(CultureInfo.InvariantCulture);

        public static bool Same(Uri a, Uri b) => string.Equals(KeyOf(a), KeyOf(b), StringComparison.Ordinal);
    }
}
