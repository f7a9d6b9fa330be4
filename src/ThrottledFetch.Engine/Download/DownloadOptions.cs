using System;
using System.Collections.Generic;

namespace ThrottledFetch.Engine
{
    /// <summary>What a download batch decides on its own, beside its session's settings: where files go and how.</summary>
    public sealed class DownloadOptions
    {
        /// <summary>Full file-system path of the destination folder.</summary>
        public string Destination { get; set; } = Environment.CurrentDirectory;

        /// <summary>
        /// Most bytes a saved file may have (after any Content-Encoding is decoded); 0 means no limit. A body
        /// that would pass it fails the item, announced length or not.
        /// </summary>
        public long MaximumFileSize { get; set; }

        public ExistingFileMode ExistingFiles { get; set; } = ExistingFileMode.Fail;

        /// <summary>Continue partial files, and keep them when an item fails or is cancelled.</summary>
        public bool Resume { get; set; }

        public int BufferSize { get; set; } = 128 * 1024;

        /// <summary>
        /// This batch's own headers, sent beside the session's (a name in both sends this value), to the URL's own
        /// origin only. So commands sharing a session each send their own -Headers.
        /// </summary>
        public IDictionary<string, string>? Headers { get; set; }
    }
}
