using System;
using System.Text;

namespace ThrottledFetch.Engine
{
    /// <summary>The text encoding a Content-Type names (its charset parameter), for bodies sent and received.</summary>
    public static class Charset
    {
        /// <summary>The encoding of the charset parameter, or null when there is none or this runtime does not know it.</summary>
        public static Encoding? Of(string? contentType)
        {
            var name = Parameter(contentType, "charset");
            if (string.IsNullOrEmpty(name))
            {
                return null;
            }

            try
            {
                return Encoding.GetEncoding(name);
            }
            catch (ArgumentException)
            {
                return null;
            }
        }

        /// <summary>The value of one parameter of a media type (quotes removed), or null.</summary>
        internal static string? Parameter(string? contentType, string parameter)
        {
            if (string.IsNullOrEmpty(contentType))
            {
                return null;
            }

            foreach (var part in contentType!.Split(';'))
            {
                var equals = part.IndexOf('=');
                if (equals > 0 && string.Equals(part.Substring(0, equals).Trim(), parameter, StringComparison.OrdinalIgnoreCase))
                {
                    return part.Substring(equals + 1).Trim().Trim('"');
                }
            }

            return null;
        }
    }
}
