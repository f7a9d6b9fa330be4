using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace ThrottledFetch.Engine.Files
{
    /// <summary>
    /// Final paths already taken by this batch, so two items never write one file. Stores a 64-bit
    /// hash per path rather than the string, to keep memory small for very long lists.
    /// </summary>
    internal sealed class PathClaims
    {
        public static readonly StringComparison Comparison =
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
                ? StringComparison.OrdinalIgnoreCase
                : StringComparison.Ordinal;

        private readonly HashSet<ulong> claimed = new HashSet<ulong>();

        /// <summary>True when the path was free and is now claimed.</summary>
        public bool TryClaim(string fullPath)
        {
            var key = Hash(fullPath);
            lock (claimed)
            {
                return claimed.Add(key);
            }
        }

        public void Release(string fullPath)
        {
            var key = Hash(fullPath);
            lock (claimed)
            {
                claimed.Remove(key);
            }
        }

        private static ulong Hash(string path)
        {
            // FNV-1a over UTF-16 code units, case-folded where the file system ignores case.
            var text = Comparison == StringComparison.OrdinalIgnoreCase ? path.ToUpperInvariant() : path;
            var hash = 14695981039346656037UL;
            foreach (var c in text)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            return hash;
        }
    }
}
