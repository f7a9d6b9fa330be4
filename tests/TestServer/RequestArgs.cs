using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace ThrottledFetch.Testing
{
    /// <summary>Reads route and query values; endpoints answer 400 when a required number is malformed.</summary>
    internal static class RequestArgs
    {
        public static string? Route(HttpContext context, string name) =>
            context.Request.RouteValues.TryGetValue(name, out var value) ? value as string : null;

        public static bool TryRouteLong(HttpContext context, string name, out long value)
        {
            value = 0;
            var text = Route(context, name);
            return text != null
                && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }

        public static bool TryRouteInt(HttpContext context, string name, out int value)
        {
            value = 0;
            var text = Route(context, name);
            return text != null
                && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }

        public static string? Query(HttpContext context, string name)
        {
            var values = context.Request.Query[name];
            return values.Count == 0 ? null : values[0];
        }

        public static long QueryLong(HttpContext context, string name, long fallback) =>
            long.TryParse(Query(context, name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                ? value
                : fallback;

        public static int QueryInt(HttpContext context, string name, int fallback) =>
            int.TryParse(Query(context, name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                ? value
                : fallback;

        /// <summary>True unless the query sets the flag to "0" (used for ?ranges=0 and ?etag=0).</summary>
        public static bool QueryFlag(HttpContext context, string name) => Query(context, name) != "0";
    }
}
