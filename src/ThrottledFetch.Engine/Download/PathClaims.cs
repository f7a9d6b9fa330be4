using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace ThrottledFetch.Engine.Download
{
    /// <summary>
    /// The names the items of one batch write, so that no item writes another's file. A final name, once
    /// claimed, stays claimed for the whole batch (as a 64-bit fingerprint, so long lists stay small). A
    /// part file (and its validator) is claimed while its item is live: it exists only then. A final name
    /// that meets a live part, or a part that meets a claimed final name, is refused too.
    /// </summary>
    internal sealed class PathClaims
    {
        public static readonly StringComparison Comparison =
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
                ? StringComparison.OrdinalIgnoreCase
                : StringComparison.Ordinal;

        private static readonly StringComparer Comparer =
            Comparison == StringComparison.OrdinalIgnoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

        private readonly FingerprintSet finals = new FingerprintSet();
        private readonly HashSet<string> liveParts = new HashSet<string>(Comparer);

        public static bool SamePath(string a, string b) => string.Equals(a, b, Comparison);

        /// <summary>Claims an item's part file (and so its validator) for as long as the item is live.</summary>
        public bool TryClaimPart(string partPath)
        {
            lock (liveParts)
            {
                if (finals.Contains(Fingerprint(partPath)) || finals.Contains(Fingerprint(ResumeValidator.PathOf(partPath))))
                {
                    return false;
                }

                return liveParts.Add(partPath);
            }
        }

        public void ReleasePart(string partPath)
        {
            lock (liveParts)
            {
                liveParts.Remove(partPath);
            }
        }

        /// <summary>True when no other item of the batch writes this name; it is then this item's for good.</summary>
        public bool TryClaimFinal(string finalPath)
        {
            lock (liveParts)
            {
                if (liveParts.Contains(finalPath) || (ResumeValidator.IsValidatorPath(finalPath, out var part) && liveParts.Contains(part)))
                {
                    return false;
                }

                return finals.Add(Fingerprint(finalPath));
            }
        }

        /// <summary>A 64-bit fingerprint of a path, case-folded where the file system ignores case.</summary>
        public static ulong Fingerprint(string path) =>
            Fingerprints.Of(Comparison == StringComparison.OrdinalIgnoreCase ? path.ToUpperInvariant() : path);
    }
}
