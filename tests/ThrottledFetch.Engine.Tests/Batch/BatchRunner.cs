using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ThrottledFetch.Engine.Tests.Batch
{
    /// <summary>
    /// Drives a <see cref="DownloadBatch"/> on the calling thread the way the cmdlet does: post each item,
    /// and while the input is full take events and wait for a change; then complete and drain until done.
    /// Every wait has a deadline, so an engine that hangs fails the test instead of the run.
    /// </summary>
    internal sealed class BatchRunner : IDisposable
    {
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

        private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

        private readonly List<DownloadEvent> finished = new();
        private readonly List<string> verbose = new();
        private readonly Dictionary<long, TransferProgress> active = new();
        private readonly Dictionary<long, TransferProgress> seen = new();

        public BatchRunner(BatchOptions options)
        {
            Batch = new DownloadBatch(options.Session, options.Download);
        }

        /// <summary>A runner whose batch borrows <paramref name="session"/> (disposing the runner leaves it open).</summary>
        public BatchRunner(HttpSession session, BatchOptions options)
        {
            Batch = new DownloadBatch(session, options.Download);
        }

        public DownloadBatch Batch { get; }

        public IReadOnlyList<DownloadEvent> Finished => this.finished;

        public IReadOnlyList<string> Verbose => verbose;

        /// <summary>Transfers under way as the events said (Started, not yet Stopped or Finished), as the cmdlet's progress sees them.</summary>
        public ICollection<TransferProgress> Active => active.Values;

        /// <summary>Body bytes of every transfer that started, as their live views last said.</summary>
        public long BytesReceived => seen.Values.Sum(p => p.BytesReceived);

        /// <summary>Options for a test batch: files go to <paramref name="destination"/>, and retries never sleep.</summary>
        public static BatchOptions Options(string destination) => new()
        {
            Destination = destination,
            Limit = 4,
            RetryInterval = TimeSpan.Zero,
            OperationTimeout = TimeSpan.FromSeconds(20),
            ConnectionTimeout = TimeSpan.FromSeconds(5),
        };

        /// <summary>Runs the items to the end on this thread and returns what the batch reported.</summary>
        public static BatchOutcome Run(BatchOptions options, params DownloadRequest[] requests) =>
            Run(options, requests, DefaultTimeout);

        public static BatchOutcome Run(BatchOptions options, IEnumerable<DownloadRequest> requests, TimeSpan timeout)
        {
            using var runner = new BatchRunner(options);
            var deadline = Stopwatch.StartNew();
            foreach (var request in requests)
            {
                runner.Post(request, timeout - deadline.Elapsed);
            }

            return runner.Complete(timeout - deadline.Elapsed);
        }

        /// <summary>As <see cref="Run(BatchOptions, IEnumerable{DownloadRequest}, TimeSpan)"/>, on a thread of its own.</summary>
        public static Task<BatchOutcome> Start(BatchOptions options, params DownloadRequest[] requests) =>
            Task.Factory.StartNew(
                () => Run(options, requests, DefaultTimeout),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);

        /// <summary>Posts one item, taking events while the input is full.</summary>
        public void Post(DownloadRequest request, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (!Batch.TryPost(request))
            {
                TakeEvents();
                ThrowIfLate(clock, timeout, $"the batch did not accept '{request.Uri}'");
                Batch.WaitForChange(Tick);
            }
        }

        public void Post(DownloadRequest request) => Post(request, DefaultTimeout);

        /// <summary>Takes events until <paramref name="condition"/> holds (checked after each round of events).</summary>
        public void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                TakeEvents();
                if (condition())
                {
                    return;
                }

                ThrowIfLate(clock, timeout, what);
                Batch.WaitForChange(Tick);
            }
        }

        /// <summary>Ends the input and takes events until every item has ended.</summary>
        public BatchOutcome Complete(TimeSpan timeout)
        {
            Batch.Complete();
            WaitUntil(() => Batch.IsDone, timeout, "the batch did not finish");
            TakeEvents();
            return new BatchOutcome(this.finished.ToArray(), verbose.ToArray());
        }

        public BatchOutcome Complete() => Complete(DefaultTimeout);

        /// <summary>Moves every event that is ready into <see cref="Finished"/> or <see cref="Verbose"/>.</summary>
        public void TakeEvents()
        {
            while (Batch.TryTake(out var next))
            {
                switch (next.Kind)
                {
                    case DownloadEventKind.Finished:
                        active.Remove(next.Item!.Id);
                        this.finished.Add(next);
                        break;
                    case DownloadEventKind.Started:
                        active[next.Item!.Id] = next.Progress!;
                        seen[next.Item.Id] = next.Progress!;
                        break;
                    case DownloadEventKind.Stopped:
                        active.Remove(next.Item!.Id);
                        break;
                    default:
                        verbose.Add(next.Message ?? string.Empty);
                        break;
                }
            }
        }

        public void Dispose() => Batch.Dispose();

        private void ThrowIfLate(Stopwatch clock, TimeSpan timeout, string what)
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException(
                    $"After {timeout.TotalSeconds:0.#} s {what}: posted {Batch.Posted}, finished {Batch.Finished}, events taken {this.finished.Count}.");
            }
        }
    }
}
