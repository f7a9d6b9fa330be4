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
    /// open / write / close / rename (the open is NoFollowFile's), and a whole small body none of the part's
    /// directory entries: an unnamed file (O_TMPFILE) in the folder, linked under its final name when complete.
    /// Any surprise (another libc, a file system without RENAME_NOREPLACE or O_TMPFILE) falls back to the
    /// portable calls.
    /// </summary>
    internal static class LinuxFile
    {
        private const int AtFdCwd = -100;
        private const uint RenameNoReplace = 1;
        private const int ENOENT = 2;
        private const int EACCES = 13;
        private const int EEXIST = 17;
        private const int EPERM = 1;
        private const int EISDIR = 21;
        private const int EINVAL = 22;
        private const int EOPNOTSUPP = 95;
        private const int SymlinkFollow = 0x400;

        private static readonly UnixFiles? Unix = UnixFiles.ForThisPlatform();
        private static volatile string? folderWithoutUnnamedFiles;

        private static volatile bool renameNoReplaceWorks = true;

        public static bool IsAvailable { get; } =
            RuntimeInformation.IsOSPlatform(OSPlatform.Linux)
            && (RuntimeInformation.ProcessArchitecture == Architecture.X64 || RuntimeInformation.ProcessArchitecture == Architecture.Arm64)
            && Environment.GetEnvironmentVariable("THROTTLEDFETCH_PORTABLE_FILES") == null;

        /// <summary>
        /// Opens a new, unnamed file in <paramref name="folder"/> for reading and writing, or returns null
        /// where the file system has none (NFS, FUSE, old kernels). Nothing of it is ever seen under a name
        /// until <see cref="Link"/>, and if the process dies first the kernel frees it: no leftover at all.
        /// </summary>
        public static SafeFileHandle? CreateUnnamed(string folder)
        {
            if (!UnnamedFilesWork || Unix == null || Unix.TmpFile == 0 || folder == folderWithoutUnnamedFiles)
            {
                return null;
            }

            var fd = Unix.Open(folder, Unix.TmpFile | Unix.ReadWrite | Unix.CloseOnExec, Convert.ToInt32("666", 8));
            if (fd >= 0)
            {
                return new SafeFileHandle((IntPtr)fd, ownsHandle: true);
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)
            {
                folderWithoutUnnamedFiles = folder;
                return null;
            }

            throw Error(errno, folder);
        }

        /// <summary>
        /// Gives an unnamed file its name, atomically and never replacing: an existing name (a file, a link, a
        /// folder) is kept and <see cref="FileExistsException"/> thrown. A link at the name is not followed.
        /// </summary>
        public static void Link(SafeFileHandle unnamed, string path)
        {
            var self = "/proc/self/fd/" + unnamed.DangerousGetHandle().ToInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (LinkAt(AtFdCwd, self, AtFdCwd, path, SymlinkFollow) == 0)
            {
                return;
            }

            var errno = Marshal.GetLastPInvokeError();
            throw errno == EEXIST ? new FileExistsException(path) : Error(errno, path);
        }

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

        // Linking an unnamed file goes through its /proc/self/fd entry (linkat with AT_EMPTY_PATH would need
        // CAP_DAC_READ_SEARCH), so without /proc every body gets a named part instead.
        private static bool UnnamedFilesWork { get; } = IsAvailable && Directory.Exists("/proc/self/fd");

        [DllImport("libc", EntryPoint = "linkat", SetLastError = true)]
        private static extern int LinkAt(int oldDirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, int newDirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath, int flags);

        [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
        private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

        [DllImport("libc", EntryPoint = "renameat2", SetLastError = true)]
        private static extern int RenameAt2(int oldDirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, int newDirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath, uint flags);
    }
}
#endif
