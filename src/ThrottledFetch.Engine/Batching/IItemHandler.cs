using System.Threading;
using System.Threading.Tasks;

namespace ThrottledFetch.Engine.Batching
{
    /// <summary>
    /// What is particular to one kind of item (a download, an API call), plugged into a <see cref="Batch{TItem, TResult}"/>:
    /// the handler decides what to send and what to keep; the <see cref="ItemRunner"/> it is given holds the
    /// slot, the retries, the pauses and the progress.
    /// </summary>
    internal interface IItemHandler<TItem, TResult>
        where TItem : BatchItem
        where TResult : class
    {
        /// <summary>Runs the item to its end; null when the batch was cancelled (nothing is reported after a stop).</summary>
        Task<BatchEvent<TResult>?> RunAsync(TItem item, ItemRunner runner, CancellationToken cancellationToken);

        /// <summary>The item's result (null when cancelled) was queued for the caller.</summary>
        void Ended(TItem item, TResult? result);

        /// <summary>The result for an item that failed in a way the handler did not foresee.</summary>
        TResult Unexpected(TItem item, DownloadError error);
    }
}
