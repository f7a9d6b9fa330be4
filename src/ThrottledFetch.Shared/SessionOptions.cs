using System;
using System.Collections.Generic;
using System.Net;

namespace ThrottledFetch.Engine
{
    /// <summary>
    /// The connection-level settings of an <see cref="HttpSession"/>: limits, rate, retries, timeouts,
    /// headers, credentials, proxy, TLS and cookies. Set once, before the session is made, and not changed
    /// after: every batch on the session, on whatever thread or runspace, reads them without a lock.
    /// </summary>
    public sealed class SessionOptions
    {
        /// <summary>Most requests in flight at once.</summary>
        public int Limit { get; set; } = 8;

        /// <summary>Most requests in flight to one scheme+host+port; 0 means only <see cref="Limit"/>.</summary>
        public int LimitPerHost { get; set; }

        /// <summary>Per host: request starts at least 1/N s apart; 0 means no rate limit.</summary>
        public double RequestsPerSecond { get; set; }

        /// <summary>
        /// Pace a host that refuses requests for their rate (429, or 503 or 403 with Retry-After) at a rate
        /// learned from what it accepts, never above <see cref="RequestsPerSecond"/> when that is set.
        /// Hosts that never refuse are never paced.
        /// </summary>
        public bool LearnRate { get; set; } = true;

        public int MaximumRetryCount { get; set; } = 3;

        /// <summary>The first backoff; it doubles per attempt, capped at <see cref="MaximumRetryDelay"/>.</summary>
        public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(1);

        public TimeSpan MaximumRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>A Retry-After longer than this fails the item instead of pausing the host.</summary>
        public TimeSpan MaximumRetryAfter { get; set; } = TimeSpan.FromSeconds(300);

        public TimeSpan ConnectionTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>A stall: no bytes (response headers included) for this long fails the attempt.</summary>
        public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(60);

        public IDictionary<string, string> Headers { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public string? UserAgent { get; set; }

        /// <summary>Sent as HTTP Basic authentication to the item's own origin only.</summary>
        public NetworkCredential? Credential { get; set; }

        /// <summary>Sent as a bearer token to the item's own origin only.</summary>
        public string? Token { get; set; }

        public bool AllowUnencryptedAuthentication { get; set; }

        public Uri? Proxy { get; set; }

        public NetworkCredential? ProxyCredential { get; set; }

        /// <summary>Connect directly, ignoring the system and environment proxy settings.</summary>
        public bool NoProxy { get; set; }

        public bool SkipCertificateCheck { get; set; }

        public bool AllowInsecureRedirect { get; set; }

        public int MaximumRedirection { get; set; } = 10;

        /// <summary>
        /// Cookies the session keeps: set by responses, sent back by the domain and path rules. Null (the
        /// default, and each invocation's own session) means no cookies are kept or sent.
        /// </summary>
        public CookieContainer? Cookies { get; set; }

        /// <summary>Time for backoff, Retry-After pauses and rate-limit wake-ups; tests pass a fake one.</summary>
        public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

        /// <summary>Jitter on; tests turn it off so delays are exact.</summary>
        internal bool UseJitter { get; set; } = true;

        internal int EffectivePerHostLimit => LimitPerHost > 0 ? Math.Min(LimitPerHost, Limit) : Limit;
    }
}
