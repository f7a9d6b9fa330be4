using System;

namespace ThrottledFetch.Engine.Http
{
    /// <summary>Credentials and tokens travel only over HTTPS unless the user allows plain HTTP: one rule for every kind of item.</summary>
    internal static class UnencryptedAuthentication
    {
        public static bool IsRefused(SessionOptions options, Uri uri) =>
            (options.Credential != null || options.Token != null)
            && !options.AllowUnencryptedAuthentication
            && !string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);
    }
}
