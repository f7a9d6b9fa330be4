using System;
using System.Collections.Generic;

namespace ThrottledFetch.Testing
{
    /// <summary>An immutable copy of one request the server received (control endpoints excluded).</summary>
    public sealed class RecordedRequest
    {
        public RecordedRequest(
            string method,
            string path,
            string query,
            IReadOnlyDictionary<string, string> headers,
            DateTimeOffset arrivedAt,
            int port)
        {
            Method = method;
            Path = path;
            Query = query;
            Headers = headers;
            ArrivedAt = arrivedAt;
            Port = port;
        }

        public string Method { get; }

        public string Path { get; }

        /// <summary>The query string including the leading '?', or "" when there is none.</summary>
        public string Query { get; }

        /// <summary>Request headers; keys are case-insensitive, repeated values are joined by ", ".</summary>
        public IReadOnlyDictionary<string, string> Headers { get; }

        public DateTimeOffset ArrivedAt { get; }

        /// <summary>The local port that received the request (tells servers apart in redirect tests).</summary>
        public int Port { get; }

        public override string ToString() => $"{Method} {Path}{Query} (port {Port})";
    }
}
