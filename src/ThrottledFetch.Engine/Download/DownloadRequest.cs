using System;

namespace ThrottledFetch.Engine
{
    /// <summary>One item of a batch as the caller gave it.</summary>
    public sealed class DownloadRequest
    {
        public DownloadRequest(Uri uri, string? outFile = null, string? expectedHash = null, string? input = null)
        {
            Uri = uri ?? throw new ArgumentNullException(nameof(uri));
            Input = input ?? uri.OriginalString;
            OutFile = string.IsNullOrWhiteSpace(outFile) ? null : outFile;
            ExpectedHash = string.IsNullOrWhiteSpace(expectedHash) ? null : expectedHash!.Trim();
        }

        public Uri Uri { get; }

        /// <summary>The pipeline input as given, so every result names what it came from.</summary>
        public string Input { get; }

        /// <summary>A trusted file name or relative path under the destination (absolute is used as given).</summary>
        public string? OutFile { get; }

        /// <summary>SHA-256 as hex, checked before the file is renamed into place.</summary>
        public string? ExpectedHash { get; }

        /// <summary>Sequence number within the batch, set when the batch admits the item.</summary>
        public long Id { get; internal set; }

        /// <summary>The first item of the batch with this URL, OutFile and hash (see <see cref="RepeatedItems"/>).</summary>
        internal bool IsOriginal { get; set; }
    }
}
