using System;

namespace ThrottledFetch.Engine
{
    /// <summary>What a request batch decides on its own, beside its session's settings.</summary>
    public sealed class RequestOptions
    {
        /// <summary>
        /// 100 MiB: far above what an API answers in one call (pages of JSON are kilobytes to a few megabytes), and
        /// low enough that the default 8 calls in flight, each holding its bytes and then its text, stay well
        /// inside a workstation's memory (the text of a body is up to twice its bytes).
        /// </summary>
        public const long DefaultMaximumResponseSize = 100L * 1024 * 1024;

        /// <summary>The largest bound: a body is kept as one .NET string, which holds at most about a billion characters.</summary>
        public const long LargestMaximumResponseSize = 1024L * 1024 * 1024;

        /// <summary>Most bytes of a response body (after any Content-Encoding is decoded) kept in memory; a larger body fails the call.</summary>
        public long MaximumResponseSize { get; set; } = DefaultMaximumResponseSize;

        /// <summary>The longest one attempt may take, from sending the request to the last body byte (HttpClient's default).</summary>
        public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(100);

        /// <summary>
        /// Retry POST, PATCH and other methods that are not idempotent on every transient failure, as GET is. Off,
        /// they are retried only where the request surely did not reach the server (see <see cref="Requests.RequestRetryRule"/>).
        /// </summary>
        public bool RetryNonIdempotent { get; set; }

        /// <summary>
        /// This batch's own headers, sent beside the session's (a name in both sends this value), to the URL's own
        /// origin only. So commands sharing a session each send their own -Headers.
        /// </summary>
        public System.Collections.Generic.IDictionary<string, string>? Headers { get; set; }
    }
}
