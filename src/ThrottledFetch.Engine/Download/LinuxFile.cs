#if NET8_0_OR_GREATER
using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ThrottledFetch.Engine.Download
{
    /// <summary>
    /// The Linux fast path for many small files: .NET's own open adds fstatfs, an advisory lock and its
    /// unlock, a truncate and a seek, and its no-replace move adds four lstat calls. Here a part file costs
    /// open / write / close / rename (the open is NoFollowFile's). Any surprise (another libc, a file system without RENAME_NOREPLACE)
    /// falls back to the portable calls.
    /// </summary>
    internal static class LinuxFile
    {
        private const int AtFdCwd = -100;
        private const uint RenameNoReplace = 1;
        private const int ENOENT = 2;
        private const int EACCES = 13;
        private const int EEXIST = 17;
        private const int EPERM = 1;

        private static volatile bool renameNoReplaceWorks = true;

        public static bool IsAvailable { get; } =
            RuntimeInformation.IsOSPlatform(OSPlatform.Linux)
            && (RuntimeInformation.ProcessArchitecture == Architecture.X64 || RuntimeInformation.ProcessArchitecture == Architecture.Arm64)
            && Environment.GetEnvironmentVariable("THROTTLEDFETCH_PORTABLE_FILES") == null;

        /// <summary>Renames atomically; without <paramref name="overwrite"/> an existing target is kept.</summary>
        public static void Move(string source, string target, bool overwrite)
        {
            if (overwrite)
            {
                if (Rename(source, target) != 0)
                {
                    throw Error(Marshal.GetLastPInvokeError(), target);
                }

                return;
            }

            if (renameNoReplaceWorks)
            {
                try
                {
                    if (RenameAt2(AtFdCwd, source, AtFdCwd, target, RenameNoReplace) == 0)
                    {
                        return;
                    }

                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == EEXIST)
                    {
                        throw new FileExistsException(target);
                    }

                    if (errno == ENOENT || errno == EACCES || errno == EPERM)
                    {
                        throw Error(errno, target);
                    }

                    // ENOSYS, EINVAL: the kernel or file system has no RENAME_NOREPLACE.
                    renameNoReplaceWorks = false;
                }
                catch (EntryPointNotFoundException)
                {
                    renameNoReplaceWorks = false;
                }
            }

            File.Move(source, target, overwrite: false);
        }

        private static Exception Error(int errno, string path)
        {
            var message = $"{Marshal.GetPInvokeErrorMessage(errno)}: '{path}'";
            switch (errno)
            {
                case ENOENT: return new DirectoryNotFoundException(message);
                case EACCES:
                case EPERM: return new UnauthorizedAccessException(message);
                default: return new IOException(message, errno);
            }
        }

        [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
        private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

        [DllImport("libc", EntryPoint = "renameat2", SetLastError = true)]
        private static extern int RenameAt2(int oldDirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, int newDirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath, uint flags);
    }
}
#endif
