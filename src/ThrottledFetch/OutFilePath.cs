using System;
using System.Management.Automation;
using Microsoft.PowerShell.Commands;

namespace ThrottledFetch
{
    /// <summary>
    /// Reads -OutFile, the user's own and trusted, as a file name first: only a rooted path, ~/ (or ~\) and an
    /// existing FileSystem drive name a place elsewhere; anything else stays a literal name under -Path, so
    /// 'meeting 10:30.txt' and '~backup.txt' are file names there, not a drive and a home folder.
    /// </summary>
    internal static class OutFilePath
    {
        // Provider-qualified, ~ is the FileSystem home even while the current location is another provider's.
        private const string FileSystem = @"Microsoft.PowerShell.Core\FileSystem::";

        private static readonly char[] Separators = { '/', '\\' };

        /// <summary>The path for the engine: full, or relative to -Path. Throws what PowerShell throws for a path it refuses.</summary>
        public static string? Resolve(SessionState session, string? outFile)
        {
            if (string.IsNullOrWhiteSpace(outFile))
            {
                return outFile;
            }

            var text = outFile!;
            if (OnFileSystemDrive(session, text))
            {
                return session.Path.GetUnresolvedProviderPathFromPSPath(text);
            }

            if (System.IO.Path.IsPathRooted(text))
            {
                return text;
            }

            if (text == "~" || text.StartsWith("~/", StringComparison.Ordinal) || text.StartsWith("~\\", StringComparison.Ordinal))
            {
                return session.Path.GetUnresolvedProviderPathFromPSPath(FileSystem + text);
            }

            return text;
        }

        // 'X:...' where X is an existing drive of the FileSystem provider (C:, TEMP:, TestDrive:, one from New-PSDrive).
        private static bool OnFileSystemDrive(SessionState session, string text)
        {
            var colon = text.IndexOf(':');
            if (colon <= 0 || text.IndexOfAny(Separators, 0, colon) >= 0)
            {
                return false;
            }

            try
            {
                return session.Drive.Get(text.Substring(0, colon)).Provider.ImplementingType == typeof(FileSystemProvider);
            }
            catch (DriveNotFoundException)
            {
                return false;
            }
        }
    }
}
