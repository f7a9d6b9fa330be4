using System;
using System.Globalization;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// A single byte range from a Range header, already clamped to the content size.
    /// Multiple ranges and malformed headers are ignored (the full body is sent), as RFC 9110 allows.
    /// </summary>
    internal sealed class ByteRange
    {
        public static readonly ByteRange Unsatisfiable = new(-1, -1);

        private ByteRange(long start, long end)
        {
            Start = start;
            End = end;
        }

        public long Start { get; }

        /// <summary>Inclusive last byte index.</summary>
        public long End { get; }

        public long Length => End - Start + 1;

        public bool IsSatisfiable => Start >= 0;

        /// <summary>Returns null when the header should be ignored, <see cref="Unsatisfiable"/> for a 416.</summary>
        public static ByteRange? Parse(string? header, long size)
        {
            if (string.IsNullOrWhiteSpace(header))
            {
                return null;
            }

            var text = header.Trim();
            const string unit = "bytes=";
            if (!text.StartsWith(unit, StringComparison.OrdinalIgnoreCase) || text.Contains(','))
            {
                return null;
            }

            var spec = text.Substring(unit.Length).Trim();
            int dash = spec.IndexOf('-');
            if (dash < 0)
            {
                return null;
            }

            var first = spec.Substring(0, dash).Trim();
            var last = spec.Substring(dash + 1).Trim();
            if (first.Length == 0)
            {
                // Suffix form "bytes=-N": the last N bytes.
                if (!TryNumber(last, out long suffix))
                {
                    return null;
                }
                if (suffix == 0 || size == 0)
                {
                    return Unsatisfiable;
                }
                return new ByteRange(Math.Max(0, size - suffix), size - 1);
            }

            if (!TryNumber(first, out long start))
            {
                return null;
            }

            long end = size - 1;
            if (last.Length > 0)
            {
                if (!TryNumber(last, out end) || end < start)
                {
                    return null;
                }
            }

            if (start >= size)
            {
                return Unsatisfiable;
            }
            return new ByteRange(start, Math.Min(end, size - 1));
        }

        private static bool TryNumber(string text, out long value) =>
            long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
