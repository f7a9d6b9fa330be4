using System;

namespace ThrottledFetch.Engine
{
    /// <summary>What a response's Content-Type says its body is, so the cmdlet knows how to parse it.</summary>
    public static class MediaType
    {
        /// <summary>application/json, text/json, or any type with the +json suffix (application/problem+json).</summary>
        public static bool IsJson(string? contentType)
        {
            var type = Essence(contentType);
            return type == "application/json" || type == "text/json" || type.EndsWith("+json", StringComparison.Ordinal);
        }

        /// <summary>application/xml, text/xml, or any type with the +xml suffix (application/atom+xml).</summary>
        public static bool IsXml(string? contentType)
        {
            var type = Essence(contentType);
            return type == "application/xml" || type == "text/xml" || type.EndsWith("+xml", StringComparison.Ordinal);
        }

        // The type/subtype without parameters, in lower case: media types are case-insensitive.
        private static string Essence(string? contentType)
        {
            if (string.IsNullOrEmpty(contentType))
            {
                return string.Empty;
            }

            var semicolon = contentType!.IndexOf(';');
            return (semicolon >= 0 ? contentType.Substring(0, semicolon) : contentType).Trim().ToLowerInvariant();
        }
    }
}
