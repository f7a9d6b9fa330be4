using System;
using System.Collections;
using System.Management.Automation;
using System.Net;
using System.Security;
using ThrottledFetch.Engine;
using ThrottledFetch.Engine.Http;
using ThrottledFetch.Engine.Text;

namespace ThrottledFetch.Commands
{
    /// <summary>
    /// What every ThrottledFetch cmdlet binds and does: the URL input and the connection-level parameters
    /// (named as in Invoke-WebRequest), their checks, -WhatIf, and the pump that writes a batch's events on
    /// the pipeline thread (the only thread that may write) until the work is done or the pipeline stops.
    /// A cmdlet adds its own parameters, makes its batch and items, and writes its own results.
    /// </summary>
    public abstract class ThrottledCommandBase<TItem, TResult> : PSCmdlet, IDisposable
        where TItem : BatchItem
        where TResult : class
    {
        private Batch<TItem, TResult>? batch;
        private ProgressDisplay? progress;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Url", "Link", "Href")]
        [AllowNull]
        [AllowEmptyString]
        [AllowEmptyCollection]
        [UriInput]
        public string?[]? Uri { get; set; }

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

        protected Batch<TItem, TResult> Batch => batch ?? throw new InvalidOperationException("The batch starts in BeginProcessing.");

        protected override void BeginProcessing()
        {
            if (Credential != null && Token != null)
            {
                ThrowTerminatingError(ErrorRecords.Conflict("Credential", "Token", "-Credential sends Basic authentication and -Token a bearer token: use one or the other."));
            }

            if (NoProxy && Proxy != null)
            {
                ThrowTerminatingError(ErrorRecords.Conflict("NoProxy", "Proxy", "-NoProxy bypasses every proxy and -Proxy names one: use one or the other."));
            }

            var session = CreateSessionOptions();
            CheckHeaders(session);
            batch = CreateBatch(session);
            progress = new ProgressDisplay(this, batch, MyInvocation.MyCommand.Name, ProgressEnabled());
        }

        protected override void ProcessRecord()
        {
            Guard(() =>
            {
                foreach (var input in Uri ?? Array.Empty<string?>())
                {
                    if (string.IsNullOrWhiteSpace(input))
                    {
                        continue;
                    }

                    var text = input!.Trim();
                    if (!System.Uri.TryCreate(text, UriKind.Absolute, out var uri)
                        || (uri.Scheme != System.Uri.UriSchemeHttp && uri.Scheme != System.Uri.UriSchemeHttps))
                    {
                        WriteFailed(text, null, new DownloadError(DownloadErrorKind.InvalidUri, $"'{text}' is not an absolute http:// or https:// URL; it was skipped."));
                        continue;
                    }

                    var item = CreateItem(text, uri);
                    if (item == null || !ShouldProcess(uri.ToString(), Describe(item)))
                    {
                        continue;
                    }

                    while (!batch!.TryPost(item))
                    {
                        WriteReady(inputComplete: false);
                        batch.WaitForChange(ProgressDisplay.Interval);
                    }

                    WriteReady(inputComplete: false);
                }
            });
        }

        protected override void EndProcessing()
        {
            Guard(() =>
            {
                batch!.Complete();
                while (!batch.IsDone)
                {
                    WriteReady(inputComplete: true);
                    batch.WaitForChange(ProgressDisplay.Interval);
                }

                WriteReady(inputComplete: true);
                progress!.Complete();
            });
        }

        protected override void StopProcessing() => batch?.Cancel();

        public void Dispose() => batch?.Dispose();

        /// <summary>The cmdlet's batch, on a session of its own made from <paramref name="session"/>.</summary>
        protected abstract Batch<TItem, TResult> CreateBatch(SessionOptions session);

        /// <summary>The item for one URL of the input; null when the cmdlet already reported it as failed.</summary>
        protected abstract TItem? CreateItem(string input, System.Uri uri);

        /// <summary>The action -WhatIf and -Confirm show for the item.</summary>
        protected abstract string Describe(TItem item);

        /// <summary>Writes one ended item (its error first, when it failed).</summary>
        protected abstract void WriteFinished(BatchEvent<TResult> finished);

        /// <summary>One failed input that never reached the engine: its error, then its result, as for every other item.</summary>
        protected abstract void WriteFailed(string input, System.Uri? uri, DownloadError error);

        // Runs a pipeline-thread step; on a stop (Ctrl+C, -ErrorAction Stop) cancels every transfer and
        // waits briefly for workers to clean up before the stop goes on.
        private void Guard(Action step)
        {
            try
            {
                step();
            }
            catch (OperationCanceledException) when (batch != null && batch.CancellationToken.IsCancellationRequested)
            {
                batch.WaitForWorkers(TimeSpan.FromSeconds(1));
                throw new PipelineStoppedException();
            }
            catch (Exception)
            {
                batch?.Cancel();
                batch?.WaitForWorkers(TimeSpan.FromSeconds(1));
                throw;
            }
        }

        // The one place engine events become pipeline output.
        private void WriteReady(bool inputComplete)
        {
            while (batch!.TryTake(out var next))
            {
                if (next.Kind == BatchEventKind.Verbose)
                {
                    WriteVerbose(DisplayText.Clean(next.Message));
                    continue;
                }

                progress!.ItemEnded(next.Item!.Id);
                WriteFinished(next);
            }

            progress!.Tick(inputComplete);
        }

        private SessionOptions CreateSessionOptions()
        {
            var options = new SessionOptions
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

            if (Headers != null)
            {
                foreach (DictionaryEntry entry in Headers)
                {
                    options.Headers[entry.Key.ToString()!] = LanguagePrimitives.ConvertTo<string>(entry.Value);
                }
            }

            return options;
        }

        // A header that would split the request, or that HTTP cannot carry, stops the command before anything is sent.
        private void CheckHeaders(SessionOptions options)
        {
            foreach (var header in options.Headers)
            {
                if (HeaderValues.NameProblem(header.Key) is string nameProblem)
                {
                    ThrowTerminatingError(ErrorRecords.InvalidHeaderName("-Headers", header.Key, nameProblem));
                }

                if (HeaderValues.ValueProblem(header.Value) is string valueProblem)
                {
                    ThrowTerminatingError(ErrorRecords.InvalidHeaderValue("-Headers", header.Key, valueProblem));
                }
            }

            if (HeaderValues.ValueProblem(options.UserAgent) is string agentProblem)
            {
                ThrowTerminatingError(ErrorRecords.InvalidHeaderValue("-UserAgent", "User-Agent", agentProblem));
            }

            if (HeaderValues.ValueProblem(options.Token) is string tokenProblem)
            {
                ThrowTerminatingError(ErrorRecords.InvalidHeaderValue("-Token", "Authorization", tokenProblem));
            }
        }

        private bool ProgressEnabled()
        {
            var preference = GetVariableValue("ProgressPreference");
            return !(preference is ActionPreference value && (value == ActionPreference.SilentlyContinue || value == ActionPreference.Ignore));
        }
    }
}
