using System;
using System.Collections.Generic;
using System.Net.Http;

namespace ThrottledFetch.Engine.Requests
{
    /// <summary>What a call keeps of one response once its connection is given back: where it came from, its headers and its text.</summary>
    internal sealed class ResponseSnapshot
    {
        private ResponseSnapshot(Uri? finalUri, string? contentType, IReadOnlyDictionary<string, string> headers, string text, long length)
        {
            FinalUri = finalUri;
            ContentType = contentType;
            Headers = headers;
            Text = text;
            Length = length;
        }

        public Uri? FinalUri { get; }

        public string? ContentType { get; }

        public IReadOnlyDictionary<string, string> Headers { get; }

        public string Text { get; }

        public long Length { get; }

        public static ResponseSnapshot Of(HttpResponseMessage response, string text, long length)
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var header in response.Headers)
            {
                headers[header.Key] = string.Join(", ", header.Value);
            }

            foreach (var header in response.Content.Headers)
            {
                headers[header.Key] = string.Join(", ", header.Value);
            }

            headers.TryGetValue("Content-Type", out var contentType);
            return new ResponseSnapshot(response.RequestMessage?.RequestUri, contentType, headers, text, length);
        }
    }
}
