using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ThrottledFetch.Engine.Download
{
    /// <summary>
    /// libc's open(2) with the flag values of this platform (they differ between Linux architectures and
    /// macOS). On macOS, open is called only without O_CREAT: Apple's arm64 passes variadic arguments on
    /// the stack, so a mode given through P/Invoke would be garbage; new files are made by .NET there.
    /// </summary>
    internal sealed class UnixFiles
    {
        private UnixFiles(bool linux, int noFollow, int tmpFile = 0)
        {
            TmpFile = tmpFile;
            IsLinux = linux;
            NoFollow = noFollow;
            Create = linux ? 0x40 : 0x200;
            Exclusive = linux ? 0x80 : 0x800;
            CloseOnExec = linux ? 0x80000 : 0x1000000;
            ErrorLoop = linux ? 40 : 62;
        }

        public bool IsLinux { get; }

        public int ReadWrite => 2;

        public int Create { get; }

        public int Exclusive { get; }

        public int NoFollow { get; }

        public int CloseOnExec { get; }

        /// <summary>O_TMPFILE (__O_TMPFILE | O_DIRECTORY) on Linux; 0 where there is none.</summary>
        public int TmpFile { get; }

        public int ErrorNoEntry => 2;

        public int ErrorExists => 17;

        public int ErrorLoop { get; }

        /// <summary>The calls for this platform, or null where its flag values are not known here.</summary>
        public static UnixFiles? ForThisPlatform()
        {
            var architecture = RuntimeInformation.ProcessArchitecture;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            {
                return new UnixFiles(linux: false, noFollow: 0x100);
            }

            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                return null;
            }

            switch (architecture)
            {
                case Architecture.X64:
                case Architecture.X86:
                    return new UnixFiles(linux: true, noFollow: 0x20000, tmpFile: 0x410000);
                case Architecture.Arm:
                case Architecture.Arm64:
                    return new UnixFiles(linux: true, noFollow: 0x8000, tmpFile: 0x404000);
                default:
                    return null;
            }
        }

        // UTF-8 by hand: netstandard2.0 has no UTF-8 string marshalling.
        public int Open(string path, int flags, int mode) => OpenCall(System.Text.Encoding.UTF8.GetBytes(path + "\0"), flags, mode);

        public static Exception Error(int errno, string path)
        {
            var message = $"{new System.ComponentModel.Win32Exception(errno).Message}: '{path}'";
            switch (errno)
            {
                case 2: return new DirectoryNotFoundException(message);
                case 1:
                case 13: return new UnauthorizedAccessException(message);
                default: return new IOException(message, errno);
            }
        }

        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        private static extern int OpenCall(byte[] path, int flags, int mode);
    }
}
