using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Batch
{
    /// <summary>What a batch reported: one Finished event per item (result and error) and the verbose lines.</summary>
    internal sealed class BatchOutcome
    {
        public BatchOutcome(IReadOnlyList<DownloadEvent> finished, IReadOnlyList<string> verbose)
        {
            Finished = finished;
            Verbose = verbose;
        }

        public IReadOnlyList<DownloadEvent> Finished { get; }

        public IReadOnlyList<string> Verbose { get; }

        public IEnumerable<DownloadResult> Results => Finished.Select(e => e.Result!);

        /// <summary>The one item's event, asserting the batch had exactly one.</summary>
        public DownloadEvent Single() => Assert.Single(Finished);

        /// <summary>The event of the item posted for <paramref name="uri"/>.</summary>
        public DownloadEvent For(Uri uri) => Assert.Single(Finished, e => e.Item!.Uri == uri);
    }
}
