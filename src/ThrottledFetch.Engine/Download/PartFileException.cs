using System;

namespace ThrottledFetch.Engine.Download
{
    /// <summary>Writing the part file failed: a local problem (disk full, access denied), never retried.</summary>
    internal sealed class PartFileException : Exception
    {
        public PartFileException(string path, Exception inner)
            : base($"Cannot write '{path}': {inner.Message}", inner)
        {
        }
    }
}
