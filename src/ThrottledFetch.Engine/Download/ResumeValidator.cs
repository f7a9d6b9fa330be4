using System;
using System.Globalization;
using System.IO;

namespace ThrottledFetch.Engine.Download
{
    /// <summary>
    /// What identifies the version of the body in a kept part file, stored beside it as
    /// "&lt;part&gt;.validator" before the first body byte is appended (so even a killed process leaves a
    /// part that can be continued safely): the ETag, else Last-Modified (sent as If-Range), else only the
    /// total length, which a 206's Content-Range must then match. A part with no validator is never continued.
    /// </summary>
    internal sealed class ResumeValidator
    {
        private const string Suffix = ".validator";

        public ResumeValidator(string? ifRange, long? totalLength)
        {
            IfRange = ifRange;
            TotalLength = totalLength;
        }

        /// <summary>A strong ETag or an HTTP date, sent as If-Range; null when only the length is known.</summary>
        public string? IfRange { get; }

        /// <summary>The body's full length, when the server said it.</summary>
        public long? TotalLength { get; }

        /// <summary>With no If-Range to send, a 206 is trusted only when its total length is this one.</summary>
        public bool Accepts(long? total) => IfRange != null || (TotalLength != null && total == TotalLength);

        public static string PathOf(string partPath) => partPath + Suffix;

        public static bool IsValidatorPath(string path, out string partPath)
        {
            var match = path.EndsWith(Suffix, StringComparison.Ordinal);
            partPath = match ? path.Substring(0, path.Length - Suffix.Length) : string.Empty;
            return match;
        }

        /// <summary>Null when there is nothing usable: the part must then be restarted.</summary>
        public static ResumeValidator? Read(string partPath)
        {
            var text = NoFollowFile.ReadText(PathOf(partPath), 4096);
            if (text == null)
            {
                return null;
            }

            string? ifRange = null;
            long? length = null;
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith("if-range: ", StringComparison.Ordinal))
                {
                    ifRange = line.Substring(10).Trim();
                }
                else if (line.StartsWith("length: ", StringComparison.Ordinal)
                    && long.TryParse(line.Substring(8).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    length = value;
                }
            }

            var validator = new ResumeValidator(string.IsNullOrEmpty(ifRange) ? null : ifRange, length);
            return validator.IfRange == null && validator.TotalLength == null ? null : validator;
        }

        /// <summary>Writes the validator file (never through a link); with nothing to record, removes it.</summary>
        public static void Write(string partPath, ResumeValidator? validator)
        {
            if (validator == null || (validator.IfRange == null && validator.TotalLength == null))
            {
                Delete(partPath);
                return;
            }

            var text = (validator.IfRange != null ? "if-range: " + validator.IfRange + "\n" : string.Empty)
                + (validator.TotalLength is long length ? "length: " + length.ToString(CultureInfo.InvariantCulture) + "\n" : string.Empty);
            NoFollowFile.WriteText(PathOf(partPath), text);
        }

        public static void Delete(string partPath)
        {
            try
            {
                File.Delete(PathOf(partPath));
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
