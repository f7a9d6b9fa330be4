using System;
using System.Collections.Generic;
using System.Net;

namespace ThrottledFetch.Engine
{
    /// <summary>Everything one batch needs to know; set once, before the batch starts.</summary>
    public sealed class DownloadOptions
    {
        /// <summary>Full file-system path of the destination folder.</summary>
        public string Destination { get; set; } = Environment.CurrentDirectory;

        /// <summary>Most requests in flight at once.</summary>
        public int Limit { get; set; } = 8;

        /// <summary>Most requests in flight to one scheme+host+port; 0 means only <see cref="Limit"/>.</summary>
        public int LimitPerHost { get; set; }

        /// <summary>Per host: request starts at least 1/N s apart; 0 means no rate limit.</summary>
        public double RequestsPerSecond { get; set; }

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
        /// Most bytes a saved file may have (after any Content-Encoding is decoded); 0 means no limit. A body
        /// that would pass it fails the item, announced length or not.
        /// </summary>
        public long MaximumFileSize { get; set; }

        public ExistingFileMode ExistingFiles { get; set; } = ExistingFileMode.Fail;

        /// <summary>Continue partial files, and keep them when an item fails or is cancelled.</summary>
        public bool Resume { get; set; }

        public int BufferSize { get; set; } = 128 * 1024;

        /// <summary>Time for backoff, Retry-After pauses and rate-limit wake-ups; tests pass a fake one.</summary>
        public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

        /// <summary>Jitter on; tests turn it off so delays are exact.</summary>
        internal bool UseJitter { get; set; } = true;

        internal int EffectivePerHostLimit => LimitPerHost > 0 ? Math.Min(LimitPerHost, Limit) : Limit;
    }
}
