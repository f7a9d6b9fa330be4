using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ThrottledFetch.Engine.Download
{
    /// <summary>
    /// Opens the files an item writes (part, validator) without ever following a link in the last path
    /// component: a hostile folder may hold a symbolic link where a part file should be, pointing outside
    /// the destination. The check is the open itself, never "look, then open", which would race. New files
    /// are created exclusively (O_CREAT|O_EXCL, CREATE_NEW), which refuses any existing name, a link
    /// included; whatever held the name (a stale part, a link, a hard link) is unlinked and the create
    /// tried again, so the file written is always a new one of our own.
    /// </summary>
    internal static class NoFollowFile
    {
        private static readonly UnixFiles? Unix = UnixFiles.ForThisPlatform();

        /// <summary>Creates the file empty, for reading and writing, replacing whatever held the name.</summary>
        public static SafeFileHandle CreateNew(string path)
        {
            for (var tries = 0; ; tries++)
            {
                var handle = TryCreateExclusive(path, out var exists);
                if (handle != null)
                {
                    return handle;
                }

                if (tries == 2)
                {
                    throw new IOException($"Cannot create '{path}': something else keeps taking its place.");
                }

                // A stale part, or a link planted in its place: remove the name, never what it points to.
                File.Delete(path);
            }
        }

        /// <summary>
        /// Opens an existing file for reading and writing, or returns null when there is none. A link found
        /// at the path is removed (the link, never its target) and reported as no file.
        /// </summary>
        public static SafeFileHandle? OpenExisting(string path)
        {
            if (Unix != null)
            {
                // No O_CREAT, so no mode argument: safe as a P/Invoke on every Unix.
                var fd = Unix.Open(path, Unix.ReadWrite | Unix.NoFollow | Unix.CloseOnExec, 0);
                if (fd >= 0)
                {
                    return new SafeFileHandle((IntPtr)fd, ownsHandle: true);
                }

                var errno = Marshal.GetLastWin32Error();
                if (errno == Unix.ErrorNoEntry)
                {
                    return null;
                }

                if (errno == Unix.ErrorLoop)
                {
                    File.Delete(path);
                    return null;
                }

                throw UnixFiles.Error(errno, path);
            }

            if (WindowsFiles.IsAvailable)
            {
                return WindowsFiles.OpenExisting(path);
            }

            throw Unsupported();
        }

        /// <summary>Reads a small file (a validator) without following a link; null when there is none.</summary>
        public static string? ReadText(string path, int maximumBytes)
        {
            SafeFileHandle? handle;
            try
            {
                handle = OpenExisting(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }

            if (handle == null)
            {
                return null;
            }

            using var stream = new FileStream(handle, FileAccess.ReadWrite, 1);
            var buffer = new byte[maximumBytes];
            var filled = 0;
            int read;
            while (filled < buffer.Length && (read = stream.Read(buffer, filled, buffer.Length - filled)) > 0)
            {
                filled += read;
            }

            return System.Text.Encoding.UTF8.GetString(buffer, 0, filled);
        }

        /// <summary>Writes a small file (a validator) as a new file of our own; see <see cref="CreateNew"/>.</summary>
        public static void WriteText(string path, string text)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            using var stream = new FileStream(CreateNew(path), FileAccess.ReadWrite, 1);
            stream.Write(bytes, 0, bytes.Length);
        }

        private static SafeFileHandle? TryCreateExclusive(string path, out bool exists)
        {
            exists = false;
            if (Unix != null && Unix.IsLinux)
            {
                var fd = Unix.Open(path, Unix.ReadWrite | Unix.Create | Unix.Exclusive | Unix.NoFollow | Unix.CloseOnExec, Convert.ToInt32("666", 8));
                if (fd >= 0)
                {
                    return new SafeFileHandle((IntPtr)fd, ownsHandle: true);
                }

                var errno = Marshal.GetLastWin32Error();
                exists = errno == Unix.ErrorExists || errno == Unix.ErrorLoop;
                return exists ? null : throw UnixFiles.Error(errno, path);
            }

            if (Unix != null)
            {
                // .NET's CreateNew is O_CREAT|O_EXCL on Unix: it refuses an existing name, a link included.
                try
                {
#if NET8_0_OR_GREATER
                    return File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
#else
                    return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 1).SafeFileHandle;
#endif
                }
                catch (IOException e) when (!(e is DirectoryNotFoundException) && !(e is PathTooLongException))
                {
                    exists = true;
                    return null;
                }
            }

            if (WindowsFiles.IsAvailable)
            {
                return WindowsFiles.CreateNew(path, out exists);
            }

            throw Unsupported();
        }

        private static PlatformNotSupportedException Unsupported() =>
            new PlatformNotSupportedException("Opening files without following links is not known on this platform.");
    }
}
