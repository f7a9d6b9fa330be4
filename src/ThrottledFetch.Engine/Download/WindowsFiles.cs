using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ThrottledFetch.Engine.Download
{
    /// <summary>
    /// CreateFileW with FILE_FLAG_OPEN_REPARSE_POINT: the name itself is opened, never what a symbolic link
    /// or junction there points to, so a link planted in the destination is seen and removed, not written through.
    /// </summary>
    internal static class WindowsFiles
    {
        private const uint GenericRead = 0x80000000;
        private const uint GenericWrite = 0x40000000;
        private const uint ShareRead = 0x1;
        private const uint CreateNewDisposition = 1;
        private const uint OpenExistingDisposition = 3;
        private const uint OpenReparsePoint = 0x00200000;
        private const uint AttributeNormal = 0x80;
        private const uint AttributeReparsePoint = 0x400;
        private const int ErrorFileNotFound = 2;
        private const int ErrorPathNotFound = 3;
        private const int ErrorAccessDenied = 5;
        private const int ErrorFileExists = 80;
        private const int ErrorAlreadyExists = 183;

        public static bool IsAvailable { get; } = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        public static SafeFileHandle? CreateNew(string path, out bool exists)
        {
            exists = false;
            var handle = CreateFileW(path, GenericRead | GenericWrite, ShareRead, IntPtr.Zero, CreateNewDisposition, OpenReparsePoint | AttributeNormal, IntPtr.Zero);
            if (!handle.IsInvalid)
            {
                return handle;
            }

            var error = Marshal.GetLastWin32Error();
            handle.Dispose();
            exists = error == ErrorFileExists || error == ErrorAlreadyExists;
            if (exists)
            {
                return null;
            }

            throw Error(error, path);
        }

        public static SafeFileHandle? OpenExisting(string path)
        {
            var handle = CreateFileW(path, GenericRead | GenericWrite, ShareRead, IntPtr.Zero, OpenExistingDisposition, OpenReparsePoint | AttributeNormal, IntPtr.Zero);
            if (handle.IsInvalid)
            {
                var error = Marshal.GetLastWin32Error();
                handle.Dispose();
                if (error == ErrorFileNotFound || error == ErrorPathNotFound)
                {
                    return null;
                }

                throw Error(error, path);
            }

            if (GetFileInformationByHandle(handle, out var info) && (info.FileAttributes & AttributeReparsePoint) != 0)
            {
                // A link where our file should be: drop the link itself, never its target.
                handle.Dispose();
                File.Delete(path);
                return null;
            }

            return handle;
        }

        private static Exception Error(int error, string path)
        {
            var message = $"{new Win32Exception(error).Message}: '{path}'";
            switch (error)
            {
                case ErrorPathNotFound: return new DirectoryNotFoundException(message);
                case ErrorAccessDenied: return new UnauthorizedAccessException(message);
                default: return new IOException(message, error);
            }
        }

        [DllImport("kernel32.dll", EntryPoint = "CreateFileW", SetLastError = true, CharSet = CharSet.Unicode)]
        private static extern SafeFileHandle CreateFileW(string name, uint access, uint share, IntPtr security, uint disposition, uint flags, IntPtr template);

        [DllImport("kernel32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool GetFileInformationByHandle(SafeFileHandle handle, out FileInformation information);

        [StructLayout(LayoutKind.Sequential)]
        private struct FileInformation
        {
            public uint FileAttributes;
            public long CreationTime;
            public long LastAccessTime;
            public long LastWriteTime;
            public uint VolumeSerialNumber;
            public uint FileSizeHigh;
            public uint FileSizeLow;
            public uint NumberOfLinks;
            public uint FileIndexHigh;
            public uint FileIndexLow;
        }
    }
}
