using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ThrottledFetch.Engine.Batching;

namespace ThrottledFetch.Engine
{
    /// <summary>
    /// One invocation's items, on a session it borrows. The caller posts items (refused while either bounded set of unfinished
    /// items is full), takes events from one queue on its own thread, and waits for changes in between.
    /// Items start as they are posted, so results flow while input is still arriving. Memory is bounded by
    /// <see cref="Capacity"/> = max(2 x Limit, Limit + 16) items in the window (queued for a slot or
    /// transferring) plus <see cref="WaitingCapacity"/> = max(1024, 16 x Limit) items waiting for a retry
    /// backoff or a host pause (about 3 KB each, no slot, no buffer, no open file), not by the length of
    /// the input. Waiting items are kept out of the window so that they never stop the input while slots
    /// are free: the server keeps seeing the limit while other work retries.
    /// </summary>
    public class Batch<TItem, TResult> : IBatchStatus, IDisposable
        where TItem : BatchItem
        where TResult : class
    {
        private readonly HttpSession session;
        private readonly bool ownsSession;
        private readonly IItemHandler<TItem, TResult> handler;
        private readonly ItemRunner runner;
        private readonly CancellationTokenSource cancellation = new CancellationTokenSource();
        private readonly ConcurrentQueue<BatchEvent<TResult>> events = new ConcurrentQueue<BatchEvent<TResult>>();
        private readonly ManualResetEventSlim changed = new ManualResetEventSlim(false);
        private readonly CancellationTokenRegistration sessionClosing;
        private long nextId;
        private readonly ItemWindow window;
        private int finished;
        private volatile bool inputComplete;

        /// <param name="ownsSession">The batch made the session for itself and closes it when disposed.</param>
        internal Batch(HttpSession session, IItemHandler<TItem, TResult> handler, bool ownsSession)
        {
            this.session = session ?? throw new ArgumentNullException(nameof(session));
            session.ThrowIfClosed();
            this.handler = handler;
            this.ownsSession = ownsSession;
            var limit = session.Options.Limit;

            // The window keeps every slot fed (twice the limit, at least 16 spare for short bodies). The
            // waiting set must hold everything that fails during one backoff, about failure rate x request
            // rate x backoff: 20 % of ~1,000 loopback requests/s at L = 8 with the default 1 s (then 2 s)
            // backoff keeps ~300 waiting, so 1,024 leaves three times that, and 16 per slot above L = 64.
            // A waiting item holds no slot, no buffer and no open file (its part is closed while it
            // waits), only its state and timer (about 3 KB, measured with 1,000 waiting): at most ~3 MB at
            // the default limit and ~50 MB at L = 1024 (whose 2,048-item window holds far more in buffers),
            // whatever the length of the list and however much of it fails.
            window = new ItemWindow(
                Math.Max(limit * 2, limit + 16),
                Math.Max(1024, limit * 16),
                () => changed.Set());
            runner = new ItemRunner(session, window, Post, Show);

            // A session closed while the batch runs stops it as a cancel does; the caller tells the two apart
            // by the session's IsClosed. Registered last: on a session closed just now it cancels at once.
            sessionClosing = session.Closing.Register(Cancel);
        }

        public HttpSession Session => session;

        /// <summary>Most items admitted into the window (queued for a slot or transferring) at once.</summary>
        public int Capacity => window.Capacity;

        /// <summary>Most items waiting for a retry backoff or a host pause at once; they hold no slot and no window place.</summary>
        public int WaitingCapacity => window.WaitingCapacity;

        /// <summary>Items waiting now for a retry backoff or a host pause.</summary>
        public int Waiting => window.Waiting;

        /// <summary>Items posted so far.</summary>
        public long Posted => Interlocked.Read(ref nextId);

        /// <summary>Items that have ended.</summary>
        public int Finished => Volatile.Read(ref finished);

        /// <summary>Hosts of the session paced now at a rate learned from their refusals.</summary>
        public IReadOnlyList<PacedHost> PacedHosts => session.Gate.PacedHosts();

        /// <summary>Input is complete, every item has ended and every event was taken.</summary>
        public bool IsDone => inputComplete && window.IsEmpty && events.IsEmpty;

        public CancellationToken CancellationToken => cancellation.Token;

        /// <summary>
        /// Admits and starts the item, or returns false while <see cref="Capacity"/> items are in the window
        /// or <see cref="WaitingCapacity"/> items wait.
        /// </summary>
        public bool TryPost(TItem request)
        {
            if (inputComplete)
            {
                throw new InvalidOperationException("The batch input is already complete.");
            }

            cancellation.Token.ThrowIfCancellationRequested();
            if (!window.HasRoom)
            {
                return false;
            }

            window.Admit();
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

        public bool TryTake(out BatchEvent<TResult> next) => events.TryDequeue(out next!);

        /// <summary>
        /// Waits until something may have changed (an event, a freed slot, the end) or the timeout passes.
        /// Call after taking all events: a change since the last wait is never missed.
        /// </summary>
        public void WaitForChange(TimeSpan timeout)
        {
            changed.Reset();
            var roomForInput = !inputComplete && window.HasRoom;
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
            while (!window.IsEmpty)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }

                changed.Reset();
                if (window.IsEmpty)
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

            // A long-lived session sees many batches come and go: none stays registered on it.
            sessionClosing.Dispose();
            if (ownsSession)
            {
                session.Dispose();
            }
        }

        private void Post(string message)
        {
            if (!cancellation.IsCancellationRequested)
            {
                events.Enqueue(BatchEvent<TResult>.Verbose(message));
                changed.Set();
            }
        }

        private void Show(AttemptState item, bool started)
        {
            if (!cancellation.IsCancellationRequested)
            {
                events.Enqueue(started ? BatchEvent<TResult>.Started(item.Item, item.Progress) : BatchEvent<TResult>.Stopped(item.Item));
                changed.Set();
            }
        }

        private async Task RunAsync(TItem request)
        {
            TResult? ended = null;
            try
            {
                var result = await handler.RunAsync(request, runner, cancellation.Token).ConfigureAwait(false);
                if (result != null && !cancellation.IsCancellationRequested)
                {
                    events.Enqueue(result);
                    ended = result.Result;
                }
            }
            catch (Exception e) when (!cancellation.IsCancellationRequested)
            {
                var error = new DownloadError(DownloadErrorKind.WriteFailed, $"'{request.Uri}' failed: {e.Message}", e);
                ended = handler.Unexpected(request, error);
                events.Enqueue(BatchEvent<TResult>.Finished(request, ended, error));
            }
            catch (Exception)
            {
                // Cancelled: nothing is reported after a stop.
            }
            finally
            {
                // After the result is queued, so a repeat's result follows its original's.
                handler.Ended(request, ended);
                Interlocked.Increment(ref finished);
                window.Finish();
            }
        }
    }
}
