using System;
using System.Collections.Generic;

namespace ThrottledFetch.Engine
{
    /// <summary>The HTTP methods by name: the standard ones (for completion), their spelling on the wire, and which are idempotent.</summary>
    public static class HttpMethods
    {
        /// <summary>RFC 9110's methods (CONNECT aside, which opens a tunnel) and PATCH (RFC 5789).</summary>
        public static IReadOnlyList<string> Standard { get; } = new[] { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE" };

        // RFC 9110 9.2.2: repeating one of these has the effect of sending it once. Anything else (POST, PATCH,
        // a method this list does not know) may act twice when repeated.
        private static readonly HashSet<string> Idempotent = new HashSet<string>(StringComparer.Ordinal) { "GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE" };

        /// <summary>
        /// A standard method in upper case whatever case it was given in (Get, post), as Invoke-RestMethod sends
        /// them; any other method exactly as given, since method names are case-sensitive.
        /// </summary>
        public static string Normalize(string method)
        {
            var trimmed = method.Trim();
            foreach (var standard in Standard)
            {
                if (string.Equals(standard, trimmed, StringComparison.OrdinalIgnoreCase))
                {
                    return standard;
                }
            }

            return trimmed;
        }

        /// <summary>Sending it twice has the effect of sending it once (the method as <see cref="Normalize"/> spells it).</summary>
        public static bool IsIdempotent(string method) => Idempotent.Contains(method);
    }
}
