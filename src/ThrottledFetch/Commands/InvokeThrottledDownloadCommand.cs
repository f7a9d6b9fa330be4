using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using ThrottledFetch.Engine;

namespace ThrottledFetch.Commands
{
    /// <summary>
    /// Downloads URLs from the pipeline with a cap on requests in flight, writing one result per file as it
    /// ends. Binds the download's own parameters (where files go and how) on top of the shared ones, hands
    /// items to a <see cref="DownloadBatch"/> and writes its results and errors.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "ThrottledDownload", SupportsShouldProcess = true)]
    [OutputType(typeof(DownloadResult))]
    public sealed class InvokeThrottledDownloadCommand : ThrottledCommandBase<DownloadRequest, DownloadResult>
    {
        private string destination = string.Empty;

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

        /// <summary>Bytes; 0 means no limit (PowerShell's 10MB suffixes make it easy to write).</summary>
        [Parameter]
        [ValidateRange(0, long.MaxValue)]
        public long MaximumFileSize { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter SkipExisting { get; set; }

        [Parameter]
        public SwitchParameter Resume { get; set; }

        private DownloadBatch Downloads => (DownloadBatch)Batch;

        protected override void BeginProcessing()
        {
            if (Force && SkipExisting)
            {
                ThrowTerminatingError(ErrorRecords.Conflict("Force", "SkipExisting", "-Force replaces existing files and -SkipExisting keeps them: use one or the other."));
            }

            destination = ResolveDestination(Path ?? ".");
            base.BeginProcessing();
        }

        protected override Batch<DownloadRequest, DownloadResult> CreateBatch(HttpSession session, IDictionary<string, string> headers) =>
            new DownloadBatch(session, new DownloadOptions
            {
                Destination = destination,
                MaximumFileSize = MaximumFileSize,
                Resume = Resume,
                ExistingFiles = Force ? ExistingFileMode.Overwrite : SkipExisting ? ExistingFileMode.Skip : ExistingFileMode.Fail,
                Headers = headers,
            });

        protected override DownloadRequest? CreateItem(string input, System.Uri uri)
        {
            string? outFile;
            try
            {
                outFile = OutFilePath.Resolve(SessionState, OutFile);
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                // Whatever PowerShell makes of one item's path, it fails that item only.
                WriteFailed(input, uri, new DownloadError(DownloadErrorKind.InvalidFileName, $"'{uri}' cannot be saved to OutFile '{OutFile}': {e.Message}", e));
                return null;
            }

            return new DownloadRequest(uri, outFile, ExpectedHash, input);
        }

        protected override string Describe(DownloadRequest item) => "Download to '" + PlannedPath(item) + "'";

        protected override void WriteFinished(BatchEvent<DownloadResult> finished)
        {
            if (finished.Error != null)
            {
                WriteError(ErrorRecords.ForItem(finished.Error, finished.Result!));
            }

            WriteObject(finished.Result);
        }

        protected override void WriteFailed(string input, System.Uri? uri, DownloadError error)
        {
            var failed = new DownloadResult(uri, null, DownloadStatus.Failed, null, 0, 0, TimeSpan.Zero, error.Message, input);
            WriteError(ErrorRecords.ForItem(error, failed));
            WriteObject(failed);
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

        private string PlannedPath(DownloadRequest request)
        {
            try
            {
                return Downloads.PlanPath(request);
            }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException)
            {
                // The item reports the unusable name itself; -WhatIf shows only where it would have gone.
                return destination;
            }
        }
    }
}
