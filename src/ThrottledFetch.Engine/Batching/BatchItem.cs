using System;

namespace ThrottledFetch.Engine
{
    /// <summary>One item of a batch, as the caller gave it: the URL and the pipeline input it came from.</summary>
    public abstract class BatchItem
    {
        protected BatchItem(Uri uri, string? input)
        {
            Uri = uri ?? throw new ArgumentNullException(nameof(uri));
            Input = input ?? uri.OriginalString;
        }

        public Uri Uri { get; }

        /// <summary>The pipeline input as given, so every result names what it came from.</summary>
        public string Input { get; }

        /// <summary>Sequence number within the batch, set when the batch admits the item.</summary>
        public long Id { get; internal set; }
    }
}
