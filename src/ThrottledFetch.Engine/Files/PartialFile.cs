using System;
using System.IO;
#if NET8_0_OR_GREATER
using Microsoft.Win32.SafeHandles;
#endif

namespace ThrottledFetch.Engine.Files
{
    /// <summary>
    /// The body of one item on its way to disk: written to "&lt;name&gt;.part" beside the final file and
    /// moved into place only when complete. The one type that touches the file system per item, so its
    /// platform path can be tuned on its own (on .NET 8+ a raw handle: open, write, close, rename).
    /// </summary>
    internal sealed class PartialFile : IDisposable
    {
#if NET8_0_OR_GREATER
        private SafeFileHandle? handle;
#else
        private FileStream? stream;
#endif

        public PartialFile(string finalPath)
        {
            FinalPath = finalPath;
            PartPath = TargetPath.PartOf(finalPath);
        }

        public string FinalPath { get; private set; }

        public string PartPath { get; private set; }

        /// <summary>Bytes in the part file.</summary>
        public long Length { get; private set; }

        public bool IsOpen
        {
#if NET8_0_OR_GREATER
            get { return handle != null; }
#else
            get { return stream != null; }
#endif
        }

        /// <summary>Length of a part file left by an earlier run, or 0.</summary>
        public long ExistingLength()
        {
            var info = new FileInfo(PartPath);
            return info.Exists ? info.Length : 0;
        }

        /// <summary>Opens the part file: appending to what is there when <paramref name="append"/>, else empty.</summary>
        public void Open(bool append)
        {
            Close();
            try
            {
                OpenFile(append);
            }
            catch (DirectoryNotFoundException)
            {
                // Folders are made only when missing: one failed open is cheaper than a mkdir per file.
                Directory.CreateDirectory(Path.GetDirectoryName(PartPath)!);
                OpenFile(append);
            }
        }

        private void OpenFile(bool append)
        {
            var mode = append ? FileMode.OpenOrCreate : FileMode.Create;
#if NET8_0_OR_GREATER
            handle = !append && LinuxFile.IsAvailable
                ? LinuxFile.Create(PartPath)
                : File.OpenHandle(PartPath, mode, FileAccess.Write, FileShare.Read);
            Length = append ? RandomAccess.GetLength(handle) : 0;
#else
            stream = new FileStream(PartPath, mode, FileAccess.Write, FileShare.Read, 1);
            Length = append ? stream.Length : 0;
            stream.Position = Length;
#endif
        }

        public void Write(byte[] buffer, int count)
        {
#if NET8_0_OR_GREATER
            RandomAccess.Write(handle!, new ReadOnlySpan<byte>(buffer, 0, count), Length);
#else
            stream!.Write(buffer, 0, count);
#endif
            Length += count;
        }

        /// <summary>Drops what was written: the server sent the whole body again.</summary>
        public void Restart()
        {
#if NET8_0_OR_GREATER
            RandomAccess.SetLength(handle!, 0);
#else
            stream!.SetLength(0);
            stream.Position = 0;
#endif
            Length = 0;
        }

        public void Close()
        {
#if NET8_0_OR_GREATER
            handle?.Dispose();
            handle = null;
#else
            stream?.Dispose();
            stream = null;
#endif
        }

        /// <summary>Closes and removes the part file; a file that is already gone is fine.</summary>
        public void Delete()
        {
            Close();
            try
            {
                File.Delete(PartPath);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        /// <summary>
        /// Closes the part file and renames it to <paramref name="finalPath"/>. Without
        /// <paramref name="overwrite"/> an existing file is kept and <see cref="FileExistsException"/> thrown.
        /// </summary>
        public void MoveIntoPlace(string finalPath, bool overwrite)
        {
            Close();
            try
            {
#if NET8_0_OR_GREATER
                if (LinuxFile.IsAvailable)
                {
                    LinuxFile.Move(PartPath, finalPath, overwrite);
                }
                else
                {
                    File.Move(PartPath, finalPath, overwrite);
                }
#else
                if (overwrite && File.Exists(finalPath))
                {
                    File.Replace(PartPath, finalPath, null);
                }
                else
                {
                    File.Move(PartPath, finalPath);
                }
#endif
            }
            catch (IOException) when (!overwrite && File.Exists(finalPath))
            {
                throw new FileExistsException(finalPath);
            }

            FinalPath = finalPath;
        }

        public void Dispose() => Close();
    }
}
