using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ThrottledFetch.Engine.Files;
using ThrottledFetch.Engine.Http;
using ThrottledFetch.Engine.Retry;
using ThrottledFetch.Engine.Scheduling;

namespace ThrottledFetch.Engine
{
    /// <summary>
    /// One invocation's downloads. The caller posts items (refused while the bounded set of live items
    /// is full), takes events from one queue on its own thread, and waits for changes in between. Items
    /// start as they are posted, so results flow while input is still arriving; memory is bounded by
    /// <see cref="Capacity"/>, not by the length of the input.
    /// </summary>
    public sealed class DownloadBatch : IDisposable
    {
        private readonly DownloadOptions options;
        private readonly HttpClient client;
        private readonly ConnectionGate gate;
        private readonly ItemDownload items;
        private readonly CancellationTokenSource cancellation = new CancellationTokenSource();
        private readonly ConcurrentQueue<DownloadEvent> events = new ConcurrentQueue<DownloadEvent>();
        private readonly ConcurrentDictionary<long, TransferProgress> active = new ConcurrentDictionary<long, TransferProgress>();
        private readonly ManualResetEventSlim changed = new ManualResetEventSlim(false);
        private long nextId;
        private long bytesReceived;
        private int live;
        private int finished;
        private volatile bool inputComplete;

        public DownloadBatch(DownloadOptions options)
        {
            this.options = options ?? throw new ArgumentNullException(nameof(options));
            if (options.Limit < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(options), "Limit must be at least 1.");
            }

            Capacity = Math.Max(options.Limit * 2, options.Limit + 16);
            client = HttpClientSetup.Create(options);
            gate = new ConnectionGate(options.Limit, options.LimitPerHost, options.RequestsPerSecond, options.TimeProvider);
            var attempt = new TransferAttempt(client, options, n => Interlocked.Add(ref bytesReceived, n));
            var retry = RetryPipeline.Create(options, Post);
            items = new ItemDownload(options, gate, attempt, retry, active, Post);
        }

        /// <summary>Most items admitted and not yet finished at once.</summary>
        public int Capacity { get; }

        /// <summary>Items posted so far.</summary>
        public long Posted => Interlocked.Read(ref nextId);

        /// <summary>Items that have ended.</summary>
        public int Finished => Volatile.Read(ref finished);

        /// <summary>Body bytes received so far, all items together.</summary>
        public long BytesReceived => Interlocked.Read(ref bytesReceived);

        /// <summary>Transfers under way now.</summary>
        public ICollection<TransferProgress> Active => active.Values;

        /// <summary>Input is complete, every item has ended and every event was taken.</summary>
        public bool IsDone => inputComplete && Volatile.Read(ref live) == 0 && events.IsEmpty;

        public CancellationToken CancellationToken => cancellation.Token;

        internal ConnectionGate Gate => gate;

        /// <summary>The full path an item will be saved to, decided before any request (for -WhatIf).</summary>
        public string PlanPath(DownloadRequest request) => TargetPath.Plan(request, options.Destination);

        /// <summary>Admits and starts the item, or returns false while <see cref="Capacity"/> items are live.</summary>
        public bool TryPost(DownloadRequest request)
        {
            if (inputComplete)
            {
                throw new InvalidOperationException("The batch input is already complete.");
            }

            cancellation.Token.ThrowIfCancellationRequested();
            if (Volatile.Read(ref live) >= Capacity)
            {
                return false;
            }

            Interlocked.Increment(ref live);
            request.Id = Interlocked.Increment(ref nextId);

            // Runs on the caller's thread up to its first wait (the queue at the gate), so items
            // reach the gate in the order they were posted.
            _ = RunAsync(request);
            return true;
        }

        /// <summary>No more items will be posted.</summary>
        public void Complete()
        {
            inputComplete = true;
            changed.Set();
        }

        public bool TryTake(out DownloadEvent next) => events.TryDequeue(out next!);

        /// <summary>
        /// Waits until something may have changed (an event, a freed slot, the end) or the timeout passes.
        /// Call after taking all events: a change since the last wait is never missed.
        /// </summary>
        public void WaitForChange(TimeSpan timeout)
        {
            changed.Reset();
            var roomForInput = !inputComplete && Volatile.Read(ref live) < Capacity;
            if (!events.IsEmpty || IsDone || roomForInput)
            {
                return;
            }

            changed.Wait(timeout, cancellation.Token);
        }

        /// <summary>Stops every transfer; workers remove their part files (unless resuming) and report nothing more.</summary>
        public void Cancel()
        {
            try
            {
                cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }

            changed.Set();
        }

        /// <summary>After <see cref="Cancel"/>: waits until every worker has cleaned up, at most <paramref name="timeout"/>.</summary>
        public bool WaitForWorkers(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (Volatile.Read(ref live) > 0)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }

                changed.Reset();
                if (Volatile.Read(ref live) == 0)
                {
                    break;
                }

                changed.Wait(left < TimeSpan.FromMilliseconds(50) ? left : TimeSpan.FromMilliseconds(50));
            }

            return true;
        }

        public void Dispose()
        {
            Cancel();
            WaitForWorkers(TimeSpan.FromSeconds(2));
            gate.Dispose();
            client.Dispose();
        }

        private void Post(string message)
        {
            if (!cancellation.IsCancellationRequested)
            {
                events.Enqueue(DownloadEvent.Verbose(message));
                changed.Set();
            }
        }

        private async Task RunAsync(DownloadRequest request)
        {
            DownloadResult? ended = null;
            try
            {
                var result = await items.RunAsync(request, cancellation.Token).ConfigureAwait(false);
                if (result != null && !cancellation.IsCancellationRequested)
                {
                    events.Enqueue(result);
                    ended = result.Result;
                }
            }
            catch (Exception e) when (!cancellation.IsCancellationRequested)
            {
                var error = new DownloadError(DownloadErrorKind.WriteFailed, $"'{request.Uri}' failed: {e.Message}", e);
                var failed = new DownloadResult(request.Uri, null, DownloadStatus.Failed, null, 0, 0, TimeSpan.Zero, error.Message, request.Input);
                events.Enqueue(DownloadEvent.Finished(request, failed, error));
                ended = failed;
            }
            catch (Exception)
            {
                // Cancelled: nothing is reported after a stop.
            }
            finally
            {
                // After the result is queued, so a repeat's result follows its original's.
                items.Ended(request, ended);
                Interlocked.Increment(ref finished);
                Interlocked.Decrement(ref live);
                changed.Set();
            }
        }
    }
}
