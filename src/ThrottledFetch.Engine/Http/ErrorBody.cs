using System;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ThrottledFetch.Engine.Text;

namespace ThrottledFetch.Engine.Http
{
    /// <summary>The start of an error response's body, on one line, for the message a person reads.</summary>
    internal static class ErrorBody
    {
        private const int MaximumBytes = 512;
        private const int MaximumChars = 200;

        public static async Task<string> ReadStartAsync(HttpResponseMessage response, CancellationToken token)
        {
            try
            {
                using var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                var buffer = new byte[MaximumBytes];
                var filled = 0;
                int read;
                while (filled < buffer.Length && (read = await body.ReadAsync(buffer, filled, buffer.Length - filled, token).ConfigureAwait(false)) > 0)
                {
                    filled += read;
                }

                return Excerpt(Encoding.UTF8.GetString(buffer, 0, filled));
            }
            catch (Exception e) when (e is IOException || e is HttpRequestException)
            {
                return string.Empty;
            }
        }

        // One line: runs of white space (line breaks and tabs included) become single spaces; any other
        // control character is shown as DisplayText shows it.
        internal static string Excerpt(string text)
        {
            var line = new StringBuilder(text.Length);
            foreach (var c in text)
            {
                var blank = char.IsWhiteSpace(c);
                if (!blank || (line.Length > 0 && line[line.Length - 1] != ' '))
                {
                    line.Append(blank ? ' ' : c);
                }
            }

            var result = DisplayText.Clean(line.ToString().Trim());
            if (result.Length <= MaximumChars)
            {
                return result;
            }

            // Never cut between the halves of a surrogate pair.
            var cut = char.IsHighSurrogate(result[MaximumChars - 1]) ? MaximumChars - 1 : MaximumChars;
            return result.Substring(0, cut) + "…";
        }
    }
}
