using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Net;

namespace ThrottledFetch
{
    /// <summary>
    /// A session as PowerShell sees it: what New-ThrottledSession returns and -Session takes. Its settings are
    /// read-only (named as the cmdlet parameters that set them) and its counters are live. It holds no
    /// PowerShell state, so any runspace may use it; the settings never change after the session is made and
    /// the counters are read under the session's own lock. Only plain types cross here: the engine is reached
    /// through <see cref="ISessionState"/>.
    /// </summary>
    public sealed class ThrottledSession : IDisposable
    {
        public ThrottledSession(ISessionState state)
        {
            State = state ?? throw new ArgumentNullException(nameof(state));
        }

        public int Limit => State.Options.Limit;

        /// <summary>0 means only <see cref="Limit"/>.</summary>
        public int LimitPerHost => State.Options.LimitPerHost;

        /// <summary>0 means no rate limit.</summary>
        public double RequestsPerSecond => State.Options.RequestsPerSecond;

        public int MaximumRetryCount => State.Options.MaximumRetryCount;

        public int RetryIntervalSec => Seconds(State.Options.RetryInterval);

        public int ConnectionTimeoutSeconds => Seconds(State.Options.ConnectionTimeout);

        public int OperationTimeoutSeconds => Seconds(State.Options.OperationTimeout);

        public int MaximumRedirection => State.Options.MaximumRedirection;

        /// <summary>A copy: the session's own headers never change.</summary>
        public IDictionary<string, string> Headers =>
            new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(State.Options.Headers, StringComparer.OrdinalIgnoreCase));

        /// <summary>The User-Agent given to New-ThrottledSession, or null for the module's own.</summary>
        public string? UserAgent => State.Options.UserAgent;

        /// <summary>None, Basic (a credential) or Bearer (a token); the secret itself is never shown.</summary>
        public string Authentication => State.Options.Token != null ? "Bearer" : State.Options.Credential != null ? "Basic" : "None";

        public string? UserName => State.Options.Credential?.UserName;

        public bool AllowUnencryptedAuthentication => State.Options.AllowUnencryptedAuthentication;

        public Uri? Proxy => State.Options.Proxy;

        public bool NoProxy => State.Options.NoProxy;

        public bool SkipCertificateCheck => State.Options.SkipCertificateCheck;

        public bool AllowInsecureRedirect => State.Options.AllowInsecureRedirect;

        /// <summary>The session's cookies (thread-safe; add or read them here); null when made with -NoCookies.</summary>
        public CookieContainer? Cookies => State.Options.Cookies;

        /// <summary>Requests holding a slot now, every command on the session together.</summary>
        public int InFlight => State.InFlight;

        /// <summary>Requests queued for a slot now: behind the limit, a host limit, a Retry-After pause or the rate.</summary>
        public int Waiting => State.Waiting;

        /// <summary>The hosts a Retry-After pause holds back now, and until when.</summary>
        public IReadOnlyList<PausedHost> PausedHosts => State.PausedHosts;

        /// <summary>Closed by Close-ThrottledSession or Dispose(): its connections are gone and it takes no new work.</summary>
        public bool IsClosed => State.IsClosed;

        /// <summary>The engine session; the cmdlets reach it through the engine, users never need it.</summary>
        internal ISessionState State { get; }

        /// <summary>Closes the connections and stops every command still running on the session. Safe to call twice.</summary>
        public void Dispose() => State.Dispose();

        public override string ToString() =>
            string.Format(
                CultureInfo.InvariantCulture,
                "ThrottledSession (Limit {0}{1}, {2} in flight, {3} waiting{4})",
                Limit,
                LimitPerHost > 0 ? ", " + LimitPerHost.ToString(CultureInfo.InvariantCulture) + " per host" : string.Empty,
                InFlight,
                Waiting,
                IsClosed ? ", closed" : string.Empty);

        private static int Seconds(TimeSpan value) => (int)Math.Round(value.TotalSeconds);
    }
}
