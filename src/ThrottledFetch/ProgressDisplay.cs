using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using ThrottledFetch.Engine;

namespace ThrottledFetch
{
    /// <summary>
    /// Progress for a batch, written only from the pipeline thread: one overall record and a child per file
    /// still active at an update, at most every 250 ms. Every child that was shown is completed when its file
    /// ends, so a slow file is always visible and many fast ones cost nothing. An item waiting for a retry
    /// (a backoff or a Retry-After pause) is not a transfer: the overall record counts it as waiting, and a
    /// child shown for an earlier attempt is completed then, and shown again when its next attempt runs.
    /// </summary>
    internal sealed class ProgressDisplay
    {
        public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
        private const int OverallId = 1;

        private readonly Cmdlet cmdlet;
        private readonly IBatchStatus batch;
        private readonly bool enabled;
        private readonly string activity;
        private readonly Dictionary<long, string> shown = new Dictionary<long, string>();
        private readonly Dictionary<long, TransferProgress> transfers = new Dictionary<long, TransferProgress>();
        private long endedBytes;
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private TimeSpan lastUpdate;
        private long lastBytes;
        private bool overallShown;

        public ProgressDisplay(Cmdlet cmdlet, IBatchStatus batch, string activity, bool enabled)
        {
            this.cmdlet = cmdlet;
            this.batch = batch;
            this.enabled = enabled;
            this.activity = activity;
        }

        /// <summary>Writes an update if the interval has passed since the last one.</summary>
        public void Tick(bool inputComplete)
        {
            var now = clock.Elapsed;
            if (!enabled || now - lastUpdate < Interval)
            {
                return;
            }

            var seconds = (now - lastUpdate).TotalSeconds;
            var bytes = endedBytes;
            foreach (var transfer in transfers.Values)
            {
                bytes += transfer.BytesReceived;
            }

            var rate = seconds > 0 ? (bytes - lastBytes) / seconds : 0;
            lastUpdate = now;
            lastBytes = bytes;

            var waiting = batch.Waiting;
            var total = batch.Posted;
            var done = batch.Finished;
            var overall = new ProgressRecord(OverallId, activity, string.Format(
                CultureInfo.CurrentCulture,
                "{0} of {1}{2} done, {3} active{4}, {5}/s{6}",
                done,
                total,
                inputComplete ? string.Empty : "+",
                transfers.Count,
                waiting > 0 ? string.Format(CultureInfo.CurrentCulture, ", {0} waiting", waiting) : string.Empty,
                Size.Format(rate),
                Paced(batch.PacedHosts)));
            overall.PercentComplete = inputComplete && total > 0 ? (int)Math.Min(100, done * 100 / total) : -1;
            cmdlet.WriteProgress(overall);
            overallShown = true;

            foreach (var transfer in transfers.Values)
            {
                if (!shown.TryGetValue(transfer.Id, out var name))
                {
                    name = Name(transfer);
                    shown.Add(transfer.Id, name);
                }

                // A new record per write: the host may keep the object it was given.
                var received = transfer.BytesReceived;
                var length = transfer.TotalBytes;
                var status = length >= 0
                    ? string.Format(CultureInfo.CurrentCulture, "{0} of {1}", Size.Format(received), Size.Format(length))
                    : Size.Format(received);
                var record = new ProgressRecord(ActivityId(transfer.Id), name, status)
                {
                    ParentActivityId = OverallId,
                    PercentComplete = length > 0 ? (int)Math.Min(100, received * 100 / length) : -1,
                    CurrentOperation = transfer.Uri.ToString(),
                };
                cmdlet.WriteProgress(record);
            }
        }

        /// <summary>The item talks to the server (a Started event): shown from the next update on.</summary>
        public void Started(TransferProgress transfer) => transfers[transfer.Id] = transfer;

        /// <summary>The item let go of its slot (it waits to retry, or ends): no longer a transfer; its child, if shown, is completed.</summary>
        public void Stopped(long id) => Stop(id, "Done");

        /// <summary>The item ended: its child, if shown, is completed.</summary>
        public void ItemEnded(long id) => Stop(id, "Done");

        private void Stop(long id, string status)
        {
            if (transfers.TryGetValue(id, out var transfer))
            {
                endedBytes += transfer.BytesReceived;
                transfers.Remove(id);
            }

            CompleteChild(id, status);
        }

        private void CompleteChild(long id, string status)
        {
            if (shown.TryGetValue(id, out var name))
            {
                shown.Remove(id);
                cmdlet.WriteProgress(new ProgressRecord(ActivityId(id), name, status)
                {
                    ParentActivityId = OverallId,
                    PercentComplete = 100,
                    RecordType = ProgressRecordType.Completed,
                });
            }
        }

        /// <summary>Completes every record still shown.</summary>
        public void Complete()
        {
            foreach (var id in new List<long>(shown.Keys))
            {
                ItemEnded(id);
            }

            if (overallShown)
            {
                overallShown = false;
                cmdlet.WriteProgress(new ProgressRecord(OverallId, activity, "Done") { RecordType = ProgressRecordType.Completed });
            }
        }

        // "paced: host at N/s", the first paced host and how many more: a host that refused requests for
        // their rate now gets them no faster than it was seen to accept.
        private static string Paced(IReadOnlyList<PacedHost> paced)
        {
            if (paced.Count == 0)
            {
                return string.Empty;
            }

            var first = paced[0];
            var rate = first.RequestsPerSecond.ToString(first.RequestsPerSecond >= 10 ? "0" : "0.##", CultureInfo.CurrentCulture);
            var more = paced.Count > 1 ? string.Format(CultureInfo.CurrentCulture, " (+{0} more)", paced.Count - 1) : string.Empty;
            return string.Format(CultureInfo.CurrentCulture, ", paced: {0} at {1}/s{2}", first.Host, rate, more);
        }

        private static int ActivityId(long itemId) => 2 + (int)(itemId % (int.MaxValue - 2));

        private static string Name(TransferProgress transfer)
        {
            var name = System.IO.Path.GetFileName(transfer.Path);
            return string.IsNullOrEmpty(name) ? transfer.Uri.ToString() : name;
        }
    }
}
