using System;

namespace ThrottledFetch.Engine
{
    /// <summary>One item of a batch as the caller gave it.</summary>
    public sealed class DownloadRequest : BatchItem
    {
        public DownloadRequest(Uri uri, string? outFile = null, string? expectedHash = null, string? input = null)
            : base(uri, input)
        {
            OutFile = string.IsNullOrWhiteSpace(outFile) ? null : outFile;
            ExpectedHash = string.IsNullOrWhiteSpace(expectedHash) ? null : expectedHash!.Trim();
        }


        /// <summary>A trusted file name or relative path under the destination (absolute is used as given).</summary>
        public string? OutFile { get; }

        /// <summary>SHA-256 as hex, checked before the file is renamed into place.</summary>
        public string? ExpectedHash { get; }

        /// <summary>The first item of the batch with this URL, OutFile and hash (see <see cref="RepeatedItems"/>).</summary>
        internal bool IsOriginal { get; set; }
    }
}
