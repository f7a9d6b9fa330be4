using System;
using System.Globalization;

namespace ThrottledFetch.Engine.Http
{
    /// <summary>
    /// What a request header may hold. A CR or LF ends the header line, so the rest of a value becomes more
    /// headers or a second request (request smuggling), and NUL cuts the line short on some servers. The HTTP
    /// stack sends ASCII only and refuses anything else at send time, which would look like a network failure
    /// and be retried. So a name is an RFC 9110 token and a value visible ASCII, spaces and tabs, checked
    /// before the first request. A problem names the character, never the whole value: it may be a secret.
    /// </summary>
    public static class HeaderValues
    {
        private const string TokenSymbols = "!#$%&'*+-.^_`|~";

        /// <summary>Why the header name cannot be sent, or null when it can.</summary>
        public static string? NameProblem(string? name)
        {
            if (string.IsNullOrEmpty(name))
            {
                return "is empty";
            }

            foreach (var c in name!)
            {
                if (c == '\r' || c == '\n' || c == '\0')
                {
                    return "contains a line break (CR or LF) or NUL, which would end the header";
                }

                if (!IsTokenChar(c))
                {
                    return $"contains {Describe(c)}, which a header name cannot hold (letters, digits and {TokenSymbols} only)";
                }
            }

            return null;
        }

        /// <summary>Why the header value cannot be sent, or null when it can.</summary>
        public static string? ValueProblem(string? value)
        {
            if (value == null)
            {
                return null;
            }

            foreach (var c in value)
            {
                if (c == '\r' || c == '\n')
                {
                    return "contains a line break (CR or LF), which would end the header and let the rest be read as more headers or another request";
                }

                if (c == '\0')
                {
                    return "contains NUL (U+0000), which would cut the header short";
                }

                if (c != '\t' && (c < ' ' || c == '\u007f'))
                {
                    return $"contains the control character {Code(c)}";
                }

                if (c > '\u007f')
                {
                    return $"contains {Describe(c)}; header values are sent as ASCII only, so encode it first (percent-encoding, for example)";
                }
            }

            return null;
        }

        /// <summary>Throws for the first header of the options that cannot be sent, whoever built them.</summary>
        internal static void ThrowIfInvalid(SessionOptions options)
        {
            ThrowIfInvalid(options.Headers);
            Throw("User-Agent", ValueProblem(options.UserAgent));
            Throw("Authorization", ValueProblem(options.Token));
        }

        internal static void ThrowIfInvalid(System.Collections.Generic.IDictionary<string, string>? headers)
        {
            foreach (var header in headers ?? new System.Collections.Generic.Dictionary<string, string>())
            {
                Throw(header.Key, NameProblem(header.Key) ?? ValueProblem(header.Value));
            }
        }

        private static void Throw(string name, string? problem)
        {
            if (problem != null)
            {
                throw new ArgumentException($"The header '{Text.DisplayText.Clean(name)}' {problem}.");
            }
        }

        private static bool IsTokenChar(char c) =>
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || TokenSymbols.IndexOf(c) >= 0;

        private static string Describe(char c) =>
            char.IsControl(c) || char.IsWhiteSpace(c) || char.IsSurrogate(c) ? Code(c) : $"'{c}' ({Code(c)})";

        private static string Code(char c) => "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
    }
}
