using System;
using System.Collections.Generic;
using System.Management.Automation;
using ThrottledFetch.Engine;
using ThrottledFetch.Engine.Text;

namespace ThrottledFetch.Commands
{
    /// <summary>
    /// What every ThrottledFetch cmdlet that sends requests binds and does: the URL input, the connection-level
    /// parameters (from <see cref="ConnectionCommandBase"/>) or a -Session that holds them, -WhatIf, and the pump
    /// that writes a batch's events on the pipeline thread (the only thread that may write) until the work is
    /// done or the pipeline stops. Without -Session the command makes a session of its own and closes it at its
    /// end; with one, its batch borrows it and never closes it. A cmdlet adds its own parameters, makes its
    /// batch and items, and writes its own results.
    /// </summary>
    public abstract class ThrottledCommandBase<TItem, TResult> : ConnectionCommandBase, IDisposable
        where TItem : BatchItem
        where TResult : class
    {
        private Batch<TItem, TResult>? batch;
        private HttpSession? ownSession;
        private ProgressDisplay? progress;
        private readonly YoungHeapBudget heap = new YoungHeapBudget();
        private volatile bool stopping;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Url", "Link", "Href")]
        [AllowNull]
        [AllowEmptyString]
        [AllowEmptyCollection]
        [UriInput]
        public string?[]? Uri { get; set; }

        /// <summary>A session from New-ThrottledSession: its limits, pauses, settings and connections, shared with every command on it.</summary>
        [Parameter]
        [ValidateNotNull]
        public ThrottledSession? Session { get; set; }

        protected Batch<TItem, TResult> Batch => batch ?? throw new InvalidOperationException("The batch starts in BeginProcessing.");

        protected override void BeginProcessing()
        {
            if (Session != null)
            {
                var given = GivenSessionSettings();
                if (given.Count > 0)
                {
                    ThrowTerminatingError(ErrorRecords.SettingOfSession(given));
                }

                if (Session.IsClosed)
                {
                    ThrowTerminatingError(ErrorRecords.SessionClosed(MyInvocation.MyCommand.Name, midRun: false));
                }
            }
            else
            {
                CheckConnectionParameters();
            }

            // -Headers travel with this command's batch, beside the session's (they win over a session header of
            // the same name), so commands sharing a session each send their own.
            var headers = HeadersGiven();
            var session = Session != null
                ? HttpSession.Of(Session)
                : ownSession = new HttpSession(CreateSessionOptions(new Dictionary<string, string>()));
            try
            {
                batch = CreateBatch(session, headers);
            }
            catch (ObjectDisposedException) when (Session != null)
            {
                // Closed from another runspace since the check above.
                ThrowTerminatingError(ErrorRecords.SessionClosed(MyInvocation.MyCommand.Name, midRun: false));
            }

            progress = new ProgressDisplay(this, batch!, MyInvocation.MyCommand.Name, ProgressEnabled());
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

        protected override void StopProcessing()
        {
            stopping = true;
            batch?.Cancel();
        }

        public void Dispose()
        {
            batch?.Dispose();

            // Only the session this command made; a -Session is closed only by its owner.
            ownSession?.Dispose();
        }

        /// <summary>
        /// The cmdlet's batch, borrowing <paramref name="session"/> (never closing it), with this command's own
        /// <paramref name="headers"/> (checked already) for every request it sends.
        /// </summary>
        protected abstract Batch<TItem, TResult> CreateBatch(HttpSession session, IDictionary<string, string> headers);

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

                // The session closed under a step that saw no cancellation (its items simply ended unreported).
                ThrowIfSessionClosed();
            }
            catch (OperationCanceledException) when (batch != null && batch.CancellationToken.IsCancellationRequested)
            {
                batch.WaitForWorkers(TimeSpan.FromSeconds(1));
                ThrowIfSessionClosed();
                throw new PipelineStoppedException();
            }
            catch (Exception)
            {
                batch?.Cancel();
                batch?.WaitForWorkers(TimeSpan.FromSeconds(1));
                throw;
            }
        }

        // A batch cancelled without a stop was cancelled by its session closing (from another runspace, or a
        // script block on this one): that ends the command with an error that says so, not silently.
        private void ThrowIfSessionClosed()
        {
            if (!stopping && batch != null && batch.CancellationToken.IsCancellationRequested && batch.Session.IsClosed)
            {
                ThrowTerminatingError(ErrorRecords.SessionClosed(MyInvocation.MyCommand.Name, midRun: true));
            }
        }

        // The one place engine events become pipeline output.
        private void WriteReady(bool inputComplete)
        {
            while (batch!.TryTake(out var next))
            {
                switch (next.Kind)
                {
                    case BatchEventKind.Verbose:
                        WriteVerbose(DisplayText.Clean(next.Message));
                        break;
                    case BatchEventKind.Started:
                        progress!.Started(next.Progress!);
                        break;
                    case BatchEventKind.Stopped:
                        progress!.Stopped(next.Item!.Id);
                        break;
                    default:
                        progress!.ItemEnded(next.Item!.Id);
                        WriteFinished(next);
                        break;
                }
            }

            progress!.Tick(inputComplete);
            heap.Check();
        }

        private bool ProgressEnabled()
        {
            var preference = GetVariableValue("ProgressPreference");
            return !(preference is ActionPreference value && (value == ActionPreference.SilentlyContinue || value == ActionPreference.Ignore));
        }
    }
}
