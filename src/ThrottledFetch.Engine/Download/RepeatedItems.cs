using System.Collections.Generic;
using System.Threading.Tasks;
using ThrottledFetch.Engine.Download;

namespace ThrottledFetch.Engine.Download
{
    /// <summary>
    /// A URL given twice (the same absolute URI, the same OutFile and hash, or none) is fetched once. This
    /// remembers, for the whole batch, one fingerprint per item and whether it succeeded (the fingerprint's
    /// low bit), and for items still live, a task their repeats wait on, so a repeat's result is written
    /// after the original's.
    /// </summary>
    internal sealed class RepeatedItems
    {
        private readonly FingerprintSet ended = new FingerprintSet();
        private readonly Dictionary<ulong, TaskCompletionSource<DownloadResult?>> live = new Dictionary<ulong, TaskCompletionSource<DownloadResult?>>();

        /// <summary>
        /// Null when the item is the first of its kind (it is then the original); else what became of the
        /// original: its result while it was remembered whole, or only whether it succeeded.
        /// </summary>
        public Task<Earlier>? Check(DownloadRequest request)
        {
            var key = Key(request);
            lock (live)
            {
                if (ended.Contains(key))
                {
                    return Task.FromResult(new Earlier(true, null));
                }

                if (ended.Contains(key | 1))
                {
                    return Task.FromResult(new Earlier(false, null));
                }

                if (live.TryGetValue(key, out var original))
                {
                    return WaitAsync(original.Task);
                }

                live.Add(key, new TaskCompletionSource<DownloadResult?>(TaskCreationOptions.RunContinuationsAsynchronously));
                request.IsOriginal = true;
                return null;
            }
        }

        /// <summary>The original ended (its result already queued for the caller); null when it was cancelled.</summary>
        public void Ended(DownloadRequest request, DownloadResult? result)
        {
            if (!request.IsOriginal)
            {
                return;
            }

            var key = Key(request);
            TaskCompletionSource<DownloadResult?>? original;
            lock (live)
            {
                live.TryGetValue(key, out original);
                live.Remove(key);
                if (result != null)
                {
                    ended.Add(result.Status == DownloadStatus.Failed ? key | 1 : key);
                }
            }

            original?.TrySetResult(result);
        }

        // The low bit carries the outcome, so it is not part of the key.
        private static ulong Key(DownloadRequest request) =>
            Fingerprints.Of(request.Uri.AbsoluteUri + "\n" + request.OutFile + "\n" + request.ExpectedHash?.ToLowerInvariant()) & ~1UL;

        private static async Task<Earlier> WaitAsync(Task<DownloadResult?> original)
        {
            var result = await original.ConfigureAwait(false);
            return new Earlier(result != null && result.Status != DownloadStatus.Failed, result);
        }

        internal readonly struct Earlier
        {
            public Earlier(bool succeeded, DownloadResult? result)
            {
                Succeeded = succeeded;
                Result = result;
            }

            public bool Succeeded { get; }

            /// <summary>The original's result, when it was still live as the repeat came.</summary>
            public DownloadResult? Result { get; }
        }
    }
}
