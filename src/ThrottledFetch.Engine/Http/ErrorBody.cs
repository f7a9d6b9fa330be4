using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ThrottledFetch.Engine.Http
{
    /// <summary>The start of an error response's body, on one line, for the message a person reads.</summary>
    internal static class ErrorBody
    {
        private const int MaximumBytes = 512;

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

                var text = System.Text.Encoding.UTF8.GetString(buffer, 0, filled);
                // One line: control characters and runs of white space become single spaces.
                var clean = new System.Text.StringBuilder(text.Length);
                foreach (var c in text)
                {
                    var blank = char.IsControl(c) || char.IsWhiteSpace(c);
                    if (!blank || (clean.Length > 0 && clean[clean.Length - 1] != ' '))
                    {
                        clean.Append(blank ? ' ' : c);
                    }
                }

                var result = clean.ToString().Trim();
                return result.Length > 200 ? result.Substring(0, 200) + "…" : result;
            }
            catch (Exception e) when (e is IOException || e is HttpRequestException)
            {
                return string.Empty;
            }
        }
    }
}
