using System;
using System.Globalization;
using System.Text;

namespace ThrottledFetch.Engine.Download
{
    /// <summary>
    /// Reduces a name that came from a URL or a server to a bare name that is safe on Windows and Unix:
    /// only the last segment (both '/' and '\' separate), no control or invisible format characters, none Windows
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
            "COM\u00b9", "COM\u00b2", "COM\u00b3", "LPT\u00b9", "LPT\u00b2", "LPT\u00b3",
        };

        // Bytes, not characters: Linux and macOS allow 255 bytes of UTF-8 per name, and the part
        // suffix ".<8 hex>.part" plus ".validator" (24 bytes) must still fit after it.
        private const int MaxNameBytes = 200;

        /// <summary>Returns a safe bare name, or null when nothing usable is left.</summary>
        public static string? Reduce(string? name) => Reduce(name, chosenByServer: false);

        /// <summary>
        /// A name the server chose (Content-Disposition): as <see cref="Reduce(string?)"/>, and it never starts
        /// with a dot, so a server cannot plant ".bashrc" or ".profile" in the user's folder.
        /// </summary>
        public static string? FromServer(string? name) => Reduce(name, chosenByServer: true);

        private static string? Reduce(string? name, bool chosenByServer)
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
                if (char.GetUnicodeCategory(c) == UnicodeCategory.Format)
                {
                    // Bidirectional overrides and other invisible characters disguise a name
                    // ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf"): dropped.
                    continue;
                }

                if (c < 32 || (c >= 127 && c < 160) || c == '<' || c == '>' || c == ':' || c == '"' || c == '|' || c == '?' || c == '*')
                {
                    builder.Append('_');
                }
                else
                {
                    builder.Append(c);
                }
            }

            var reduced = builder.ToString().Trim();
            if (chosenByServer)
            {
                reduced = reduced.TrimStart('.', ' ');
            }

            var result = Shorten(reduced.TrimEnd('.', ' '));
            if (result.Length == 0 || result == "." || result == "..")
            {
                return null;
            }

            return IsReserved(result) ? "_" + result : result;
        }

        /// <summary>The URL's last path segment, percent-decoded and reduced; the fallback when there is none.</summary>
        public static string FromUri(Uri uri)
        {
            var path = uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString;
            var slash = path.LastIndexOf('/');
            var segment = slash >= 0 ? path.Substring(slash + 1) : path;
            return Reduce(Uri.UnescapeDataString(segment)) ?? Fallback;
        }

        // Cuts the stem (keeping a short extension) to the byte limit, never inside a surrogate pair,
        // and trims the dots and spaces the cut may expose.
        private static string Shorten(string name)
        {
            if (Encoding.UTF8.GetByteCount(name) <= MaxNameBytes)
            {
                return name;
            }

            var extension = System.IO.Path.GetExtension(name);
            if (extension.Length > 20)
            {
                extension = string.Empty;
            }

            var stem = name.Substring(0, name.Length - extension.Length);
            var budget = MaxNameBytes - Encoding.UTF8.GetByteCount(extension);
            var used = 0;
            var end = 0;
            while (end < stem.Length)
            {
                var width = char.IsHighSurrogate(stem[end]) && end + 1 < stem.Length && char.IsLowSurrogate(stem[end + 1]) ? 2 : 1;
                var bytes = Encoding.UTF8.GetByteCount(stem.ToCharArray(end, width));
                if (used + bytes > budget)
                {
                    break;
                }

                used += bytes;
                end += width;
            }

            return (stem.Substring(0, end) + extension).TrimEnd('.', ' ');
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
