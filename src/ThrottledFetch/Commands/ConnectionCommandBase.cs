using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Reflection;
using System.Security;
using ThrottledFetch.Engine;
using ThrottledFetch.Engine.Http;

namespace ThrottledFetch.Commands
{
    /// <summary>
    /// The connection-level parameters (named as in Invoke-WebRequest) that make a session: limits, rate,
    /// retries, timeouts, headers, user agent, credentials, proxy and TLS, with their defaults, their checks and
    /// the <see cref="SessionOptions"/> they make. New-ThrottledSession and every cmdlet that sends requests
    /// derive from it, so each has the real parameters and they are defined once.
    /// </summary>
    public abstract class ConnectionCommandBase : PSCmdlet
    {
        // Every parameter declared here but -Headers is a setting of the session: with -Session it must come from
        // the session. Read from the declarations, so a parameter added here is covered without a list to update.
        private static readonly string[] SessionSettingNames = typeof(ConnectionCommandBase)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(p => p.IsDefined(typeof(ParameterAttribute)) && p.Name != nameof(Headers))
            .Select(p => p.Name)
            .ToArray();

        [Parameter]
        [Alias("ThrottleLimit")]
        [ValidateRange(1, 1024)]
        public int Limit { get; set; } = 8;

        [Parameter]
        [ValidateRange(0, 1024)]
        public int LimitPerHost { get; set; }

        [Parameter]
        [ValidateRange(0.0, 100000.0)]
        public double RequestsPerSecond { get; set; }

        /// <summary>Keep no learned pace: a host that refuses requests for their rate is only paused as it asks.</summary>
        [Parameter]
        public SwitchParameter NoRateLearning { get; set; }

        [Parameter]
        [ValidateRange(0, 100)]
        public int MaximumRetryCount { get; set; } = 3;

        [Parameter]
        [ValidateRange(0, 600)]
        public int RetryIntervalSec { get; set; } = 1;

        [Parameter]
        [Alias("TimeoutSec")]
        [ValidateRange(1, 86400)]
        public int ConnectionTimeoutSeconds { get; set; } = 30;

        [Parameter]
        [ValidateRange(1, 86400)]
        public int OperationTimeoutSeconds { get; set; } = 60;

        [Parameter]
        [ValidateRange(0, 100)]
        public int MaximumRedirection { get; set; } = 10;

        [Parameter]
        public IDictionary? Headers { get; set; }

        [Parameter]
        public string? UserAgent { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        [Parameter]
        public SecureString? Token { get; set; }

        [Parameter]
        public SwitchParameter AllowUnencryptedAuthentication { get; set; }

        [Parameter]
        public Uri? Proxy { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? ProxyCredential { get; set; }

        [Parameter]
        public SwitchParameter NoProxy { get; set; }

        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        [Parameter]
        public SwitchParameter AllowInsecureRedirect { get; set; }

        /// <summary>The session settings given on this invocation, as "-Name", in declaration order.</summary>
        protected IReadOnlyList<string> GivenSessionSettings() =>
            SessionSettingNames.Where(MyInvocation.BoundParameters.ContainsKey).Select(n => "-" + n).ToList();

        /// <summary>Stops the command when the connection parameters contradict each other or cannot be sent.</summary>
        protected void CheckConnectionParameters()
        {
            if (Credential != null && Token != null)
            {
                ThrowTerminatingError(ErrorRecords.Conflict("Credential", "Token", "-Credential sends Basic authentication and -Token a bearer token: use one or the other."));
            }

            if (NoProxy && Proxy != null)
            {
                ThrowTerminatingError(ErrorRecords.Conflict("NoProxy", "Proxy", "-NoProxy bypasses every proxy and -Proxy names one: use one or the other."));
            }

            if (HeaderValues.ValueProblem(UserAgent) is string agentProblem)
            {
                ThrowTerminatingError(ErrorRecords.InvalidHeaderValue("-UserAgent", "User-Agent", agentProblem));
            }

            if (Token != null && HeaderValues.ValueProblem(new NetworkCredential(string.Empty, Token).Password) is string tokenProblem)
            {
                ThrowTerminatingError(ErrorRecords.InvalidHeaderValue("-Token", "Authorization", tokenProblem));
            }
        }

        /// <summary>-Headers as sent: names and values checked (a bad one stops the command before anything is sent).</summary>
        protected Dictionary<string, string> HeadersGiven()
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (Headers == null)
            {
                return headers;
            }

            foreach (DictionaryEntry entry in Headers)
            {
                var name = entry.Key.ToString()!;
                var value = LanguagePrimitives.ConvertTo<string>(entry.Value);
                if (HeaderValues.NameProblem(name) is string nameProblem)
                {
                    ThrowTerminatingError(ErrorRecords.InvalidHeaderName("-Headers", name, nameProblem));
                }

                if (HeaderValues.ValueProblem(value) is string valueProblem)
                {
                    ThrowTerminatingError(ErrorRecords.InvalidHeaderValue("-Headers", name, valueProblem));
                }

                headers[name] = value;
            }

            return headers;
        }

        /// <summary>The session settings these parameters make; <paramref name="headers"/> become the session's own.</summary>
        protected SessionOptions CreateSessionOptions(IDictionary<string, string> headers) =>
            new SessionOptions
            {
                Limit = Limit,
                LimitPerHost = LimitPerHost,
                RequestsPerSecond = RequestsPerSecond,
                LearnRate = !NoRateLearning,
                MaximumRetryCount = MaximumRetryCount,
                RetryInterval = TimeSpan.FromSeconds(RetryIntervalSec),
                ConnectionTimeout = TimeSpan.FromSeconds(ConnectionTimeoutSeconds),
                OperationTimeout = TimeSpan.FromSeconds(OperationTimeoutSeconds),
                MaximumRedirection = MaximumRedirection,
                Headers = headers,
                UserAgent = UserAgent,
                Credential = Credential?.GetNetworkCredential(),
                Token = Token == null ? null : new NetworkCredential(string.Empty, Token).Password,
                AllowUnencryptedAuthentication = AllowUnencryptedAuthentication,
                Proxy = Proxy,
                NoProxy = NoProxy,
                ProxyCredential = ProxyCredential?.GetNetworkCredential(),
                SkipCertificateCheck = SkipCertificateCheck,
                AllowInsecureRedirect = AllowInsecureRedirect,
            };
    }
}
