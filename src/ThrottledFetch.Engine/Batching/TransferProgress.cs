using System;
using System.Threading;

namespace ThrottledFetch.Engine
{
    /// <summary>A live view of one active transfer, read by the caller's progress display.</summary>
    public sealed class TransferProgress
    {
        private long bytesReceived;
        private long totalBytes = -1;

        public TransferProgress(long id, Uri uri, string path)
        {
            Id = id;
            Uri = uri;
            Path = path;
        }

        public long Id { get; }

        public Uri Uri { get; }

        public string Path { get; internal set; }

        /// <summary>Bytes of the file on disk so far (a resumed part included).</summary>
        public long BytesReceived => Interlocked.Read(ref bytesReceived);

        /// <summary>The file's full length, or -1 when the server did not say.</summary>
        public long TotalBytes => Interlocked.Read(ref totalBytes);

        internal void SetReceived(long value) => Interlocked.Exchange(ref bytesReceived, value);

        internal void SetTotal(long value) => Interlocked.Exchange(ref totalBytes, value);
    }
}
