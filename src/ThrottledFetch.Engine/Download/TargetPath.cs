using System;
using System.IO;

namespace ThrottledFetch.Engine.Download
{
    /// <summary>Decides where an item's file goes, before any request is made.</summary>
    public static class TargetPath
    {
        public const string PartSuffix = ".part";

        /// <summary>
        /// The full final path: <c>OutFile</c> when given (trusted: relative to the destination, or absolute),
        /// else the URL's reduced last segment. Throws <see cref="ArgumentException"/> when the result is unusable.
        /// </summary>
        public static string Plan(DownloadRequest request, string destination)
        {
            if (request.OutFile != null)
            {
                var full = Path.GetFullPath(Path.Combine(destination, request.OutFile));
                if (EndsWithSeparator(request.OutFile) || string.IsNullOrEmpty(Path.GetFileName(full)))
                {
                    throw new ArgumentException($"OutFile '{request.OutFile}' names a folder, not a file.");
                }

                return full;
            }

            return InFolder(destination, SafeFileName.FromUri(request.Uri));
        }

        /// <summary>A server- or URL-supplied bare name inside the folder; refuses anything that escapes it.</summary>
        public static string InFolder(string destination, string bareName)
        {
            var folder = Path.GetFullPath(destination);
            var full = Path.GetFullPath(Path.Combine(folder, bareName));
            var parent = Path.GetDirectoryName(full);
            if (parent == null || !SamePath(parent, folder))
            {
                throw new ArgumentException($"The name '{bareName}' would leave the folder '{folder}'.");
            }

            return full;
        }

        public static string PartOf(string finalPath) => finalPath + PartSuffix;

        private static bool EndsWithSeparator(string path) =>
            path.EndsWith("/", StringComparison.Ordinal) || path.EndsWith("\\", StringComparison.Ordinal);

        private static bool SamePath(string a, string b) =>
            string.Equals(
                a.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar),
                b.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar),
                PathClaims.Comparison);
    }
}
