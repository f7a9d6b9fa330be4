using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Net;
using System.Security;
using ThrottledFetch.Engine;
using ThrottledFetch.Engine.Http;
using ThrottledFetch.Engine.Text;

namespace ThrottledFetch.Commands
{
    /// <summary>
    /// Downloads URLs from the pipeline with a cap on requests in flight, writing one result per file as it ends.
    /// The cmdlet binds and checks parameters, hands items to a <see cref="DownloadBatch"/> and writes what comes
    /// back; it is the only code that touches the pipeline, always on the pipeline thread.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "ThrottledDownload", SupportsShouldProcess = true)]
    [OutputType(typeof(DownloadResult))]
    public sealed class InvokeThrottledDownloadCommand : PSCmdlet, IDisposable
    {
        private DownloadBatch? batch;
        private ProgressDisplay? progress;
        private string destination = string.Empty;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Url", "Link", "Href")]
        [AllowNull]
        [AllowEmptyString]
        [AllowEmptyCollection]
        [UriInput]
        public string?[]? Uri { get; set; }

        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string? OutFile { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Sha256", "Hash")]
        [AllowNull]
        [AllowEmptyString]
        public string? ExpectedHash { get; set; }

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

        /// <summary>Bytes; 0 means no limit (PowerShell's 10MB suffixes make it easy to write).</summary>
        [Parameter]
        [ValidateRange(0, long.MaxValue)]
        public long MaximumFileSize { get; set; }

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

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter SkipExisting { get; set; }

        [Parameter]
        public SwitchParameter Resume { get; set; }

        protected override void BeginProcessing()
        {
            if (Force && SkipExisting)
            {
                ThrowTerminatingError(ErrorRecords.Conflict("Force", "SkipExisting", "-Force replaces existing files and -SkipExisting keeps them: use one or the other."));
            }

            if (Credential != null && Token != null)
            {
                ThrowTerminatingError(ErrorRecords.Conflict("Credential", "Token", "-Credential sends Basic authentication and -Token a bearer token: use one or the other."));
            }

            if (NoProxy && Proxy != null)
            {
                ThrowTerminatingError(ErrorRecords.Conflict("NoProxy", "Proxy", "-NoProxy bypasses every proxy and -Proxy names one: use one or the other."));
            }

            destination = ResolveDestination(Path ?? ".");
            var options = CreateOptions();
            CheckHeaders(options);
            batch = new DownloadBatch(options);
            progress = new ProgressDisplay(this, batch, ProgressEnabled());
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

                    string? outFile;
                    try
                    {
                        outFile = OutFilePath.Resolve(SessionState, OutFile);
                    }
                    catch (Exception e) when (!(e is PipelineStoppedException))
                    {
                        // Whatever PowerShell makes of one item's path, it fails that item only.
                        WriteFailed(text, uri, new DownloadError(DownloadErrorKind.InvalidFileName, $"'{uri}' cannot be saved to OutFile '{OutFile}': {e.Message}", e));
                        continue;
                    }

                    var request = new DownloadRequest(uri, outFile, ExpectedHash, text);
                    if (!ShouldProcess(uri.ToString(), "Download to '" + PlannedPath(request) + "'"))
                    {
                        continue;
                    }

                    while (!batch!.TryPost(request))
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

        // Runs a pipeline-thread step; on a stop (Ctrl+C, -ErrorAction Stop) cancels every transfer and
        // waits briefly for workers to remove their part files before the stop goes on.
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
                if (next.Kind == DownloadEventKind.Verbose)
                {
                    WriteVerbose(DisplayText.Clean(next.Message));
                    continue;
                }

                progress!.ItemEnded(next.Request!.Id);
                if (next.Error != null)
                {
                    WriteError(ErrorRecords.ForItem(next.Error, next.Result!));
                }

                WriteObject(next.Result);
            }

            progress!.Tick(inputComplete);
        }

        private DownloadOptions CreateOptions()
        {
            var options = new DownloadOptions
            {
                Destination = destination,
                Limit = Limit,
                LimitPerHost = LimitPerHost,
                RequestsPerSecond = RequestsPerSecond,
                MaximumRetryCount = MaximumRetryCount,
                RetryInterval = TimeSpan.FromSeconds(RetryIntervalSec),
                ConnectionTimeout = TimeSpan.FromSeconds(ConnectionTimeoutSeconds),
                OperationTimeout = TimeSpan.FromSeconds(OperationTimeoutSeconds),
                MaximumRedirection = MaximumRedirection,
                MaximumFileSize = MaximumFileSize,
                UserAgent = UserAgent,
                Credential = Credential?.GetNetworkCredential(),
                Token = Token == null ? null : new NetworkCredential(string.Empty, Token).Password,
                AllowUnencryptedAuthentication = AllowUnencryptedAuthentication,
                Proxy = Proxy,
                NoProxy = NoProxy,
                ProxyCredential = ProxyCredential?.GetNetworkCredential(),
                SkipCertificateCheck = SkipCertificateCheck,
                AllowInsecureRedirect = AllowInsecureRedirect,
                Resume = Resume,
                ExistingFiles = Force ? ExistingFileMode.Overwrite : SkipExisting ? ExistingFileMode.Skip : ExistingFileMode.Fail,
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
        private void CheckHeaders(DownloadOptions options)
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

        private string ResolveDestination(string path)
        {
            var resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
            {
                ThrowTerminatingError(ErrorRecords.NotFileSystemPath(path));
            }

            if (File.Exists(resolved))
            {
                ThrowTerminatingError(ErrorRecords.DestinationIsFile(resolved));
            }

            return resolved;
        }

        // One failed item that never reached the engine: its error, then its result, as for every other item.
        private void WriteFailed(string input, System.Uri? uri, DownloadError error)
        {
            var failed = new DownloadResult(uri, null, DownloadStatus.Failed, null, 0, 0, TimeSpan.Zero, error.Message, input);
            WriteError(ErrorRecords.ForItem(error, failed));
            WriteObject(failed);
        }

        private string PlannedPath(DownloadRequest request)
        {
            try
            {
                return batch!.PlanPath(request);
            }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException)
            {
                // The item reports the unusable name itself; -WhatIf shows only where it would have gone.
                return destination;
            }
        }

        private bool ProgressEnabled()
        {
            var preference = GetVariableValue("ProgressPreference");
            return !(preference is ActionPreference value && (value == ActionPreference.SilentlyContinue || value == ActionPreference.Ignore));
        }
    }
}
