using System;
using System.Text;

namespace ThrottledFetch.Engine.Files
{
    /// <summary>
    /// Reduces a name that came from a URL or a server to a bare name that is safe on Windows and Unix:
    /// only the last segment (both '/' and '\' separate), no control characters or characters Windows
    /// forbids, no "." or "..", no trailing dots or spaces, no reserved device names.
    /// </summary>
    public static class SafeFileName
    {
        public const string Fallback = "index.html";

        private static readonly string[] ReservedNames =
        {
            "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
            "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
        };

        /// <summary>Returns a safe bare name, or null when nothing usable is left.</summary>
        public static string? Reduce(string? name)
        {
            if (string.IsNullOrEmpty(name))
            {
                return null;
            }

            var text = name!;
            var cut = Math.Max(text.LastIndexOf('/'), text.LastIndexOf('\\'));
            if (cut >= 0)
            {
                text = text.Substring(cut + 1);
            }

            var builder = new StringBuilder(text.Length);
            foreach (var c in text)
            {
                if (c < 32 || c == 127 || c == '<' || c == '>' || c == ':' || c == '"' || c == '|' || c == '?' || c == '*')
                {
                    builder.Append('_');
                }
                else
                {
                    builder.Append(c);
                }
            }

            var result = builder.ToString().Trim().TrimEnd('.', ' ');
            if (result.Length == 0 || result == "." || result == "..")
            {
                return null;
            }

            if (IsReserved(result))
            {
                result = "_" + result;
            }

            // Keep room for ".part" under the usual 255-byte name limit.
            if (result.Length > 200)
            {
                var extension = System.IO.Path.GetExtension(result);
                if (extension.Length > 20)
                {
                    extension = string.Empty;
                }

                result = result.Substring(0, 200 - extension.Length) + extension;
            }

            return result;
        }

        /// <summary>The URL's last path segment, percent-decoded and reduced; the fallback when there is none.</summary>
        public static string FromUri(Uri uri)
        {
            var path = uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString;
            var slash = path.LastIndexOf('/');
            var segment = slash >= 0 ? path.Substring(slash + 1) : path;
            return Reduce(Uri.UnescapeDataString(segment)) ?? Fallback;
        }

        private static bool IsReserved(string name)
        {
            var dot = name.IndexOf('.');
            var stem = (dot >= 0 ? name.Substring(0, dot) : name).TrimEnd(' ');
            foreach (var reserved in ReservedNames)
            {
                if (string.Equals(stem, reserved, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
