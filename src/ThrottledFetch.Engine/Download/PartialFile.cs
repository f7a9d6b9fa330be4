using System;
using System.IO;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace ThrottledFetch.Engine.Download
{
    /// <summary>
    /// The body of one item on its way to disk: written to "&lt;planned name&gt;.&lt;tag&gt;.part" beside the
    /// planned file (the tag from the URL, so two URLs with one planned name never share a part) and moved
    /// into place only when complete. The one type that touches the file system per item, so its platform
    /// path can be tuned on its own. Every open goes through <see cref="NoFollowFile"/>: never through a link.
    /// On Linux a body that arrives whole without waiting (most small files) needs no part name at all when it may
    /// be unnamed: it goes to an unnamed file in the folder and is linked under its final name, which spares two
    /// of the three directory changes a part costs (create, rename) and leaves nothing behind even on a crash.
    /// </summary>
    internal sealed class PartialFile : IDisposable
    {
        private readonly bool mayBeUnnamed;
        private SafeFileHandle? handle;
        private bool unnamed;
#if !NET8_0_OR_GREATER
        private FileStream? stream;
#endif

        /// <param name="mayBeUnnamed">
        /// No part name is needed for a whole body: no -Resume (which keeps parts) and no replacing of an
        /// existing file (a link never replaces).
        /// </param>
        public PartialFile(string plannedPath, Uri uri, bool mayBeUnnamed = false)
        {
            FinalPath = plannedPath;
            PartPath = plannedPath + "." + Fingerprints.PartTag(uri) + TargetPath.PartSuffix;
            this.mayBeUnnamed = mayBeUnnamed;
        }

        public string FinalPath { get; private set; }

        public string PartPath { get; }

        /// <summary>Bytes in the part file.</summary>
        public long Length { get; private set; }

        public bool IsOpen => handle != null;

        /// <summary>Opens the part an earlier run left, to continue it; false (and nothing open) when there is none.</summary>
        public bool OpenExisting()
        {
            Close();
            var existing = NoFollowFile.OpenExisting(PartPath);
            if (existing == null)
            {
                return false;
            }

            Attach(existing);
#if NET8_0_OR_GREATER
            Length = RandomAccess.GetLength(existing);
#else
            Length = stream!.Length;
#endif
            return true;
        }

        /// <summary>
        /// Opens the part again after it was closed for a wait: what it held is kept when it is still there
        /// and as long as before; otherwise it starts empty (and <see cref="Length"/> says so).
        /// </summary>
        public void EnsureOpen()
        {
            if (IsOpen)
            {
                return;
            }

            var expected = Length;
            if (expected > 0 && OpenExisting() && Length == expected)
            {
                return;
            }

            Create();
        }

        /// <summary>Creates the part file empty, replacing whatever held its name (never writing through it).</summary>
        public void Create()
        {
            Close();
            SafeFileHandle created;
            try
            {
                created = NoFollowFile.CreateNew(PartPath);
            }
            catch (DirectoryNotFoundException)
            {
                // Folders are made only when missing: one failed open is cheaper than a mkdir per file.
                Directory.CreateDirectory(Path.GetDirectoryName(PartPath)!);
                created = NoFollowFile.CreateNew(PartPath);
            }

            Attach(created);
            Length = 0;
        }

        /// <summary>
        /// Opens the part for the first bytes of a fresh body: unnamed when <paramref name="wholeBody"/> (all the
        /// server announced is in hand) and allowed, else as <see cref="Create"/> does.
        /// </summary>
        public void OpenForBody(bool wholeBody)
        {
#if NET8_0_OR_GREATER
            if (wholeBody && mayBeUnnamed && LinuxFile.IsAvailable)
            {
                var folder = Path.GetDirectoryName(PartPath)!;
                SafeFileHandle? created;
                try
                {
                    created = LinuxFile.CreateUnnamed(folder);
                }
                catch (DirectoryNotFoundException)
                {
                    Directory.CreateDirectory(folder);
                    created = LinuxFile.CreateUnnamed(folder);
                }

                if (created != null)
                {
                    Close();
                    Attach(created);
                    unnamed = true;
                    Length = 0;
                    return;
                }
            }
#endif
            Create();
        }

        public void Write(byte[] buffer, int offset, int count)
        {
#if NET8_0_OR_GREATER
            RandomAccess.Write(handle!, new ReadOnlySpan<byte>(buffer, offset, count), Length);
#else
            stream!.Write(buffer, offset, count);
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

        /// <summary>The SHA-256 of what the part holds, read through the open handle (not by name again).</summary>
        public string Sha256()
        {
            using var sha = SHA256.Create();
            var buffer = new byte[128 * 1024];
            long offset = 0;
            while (offset < Length)
            {
#if NET8_0_OR_GREATER
                var read = RandomAccess.Read(handle!, buffer, offset);
#else
                stream!.Position = offset;
                var read = stream.Read(buffer, 0, buffer.Length);
#endif
                if (read <= 0)
                {
                    break;
                }

                sha.TransformBlock(buffer, 0, read, null, 0);
                offset += read;
            }

            sha.TransformFinalBlock(buffer, 0, 0);
            return Hex(sha.Hash!);
        }

        /// <summary>Gives the file the server's Last-Modified (curl -R, wget), through the handle.</summary>
        public void SetModified(DateTimeOffset modified)
        {
            try
            {
#if NET8_0_OR_GREATER
                File.SetLastWriteTimeUtc(handle!, modified.UtcDateTime);
#else
                stream!.Flush();
                File.SetLastWriteTimeUtc(PartPath, modified.UtcDateTime);
#endif
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException)
            {
                // A time the file system cannot hold is not worth failing a download for.
            }
        }

        /// <summary>Closes the part; an unnamed one is gone with its handle (and <see cref="Length"/> says so).</summary>
        public void Close()
        {
            if (unnamed)
            {
                Length = 0;
            }

#if !NET8_0_OR_GREATER
            stream?.Dispose();
            stream = null;
#endif
            handle?.Dispose();
            handle = null;
        }

        /// <summary>Closes and removes the part file; a file that is already gone is fine.</summary>
        public void Delete()
        {
            Close();
            if (unnamed)
            {
                // Nothing of ours is under the part name: whatever is there (an earlier run's part) is left alone.
                return;
            }

            DeleteName();
        }

        /// <summary>
        /// Closes the part file and renames it to <paramref name="finalPath"/> (a rename never follows a link
        /// at the target: it replaces the name). Without <paramref name="overwrite"/> an existing file is kept
        /// and <see cref="FileExistsException"/> thrown.
        /// </summary>
        public void MoveIntoPlace(string finalPath, bool overwrite)
        {
#if NET8_0_OR_GREATER
            if (unnamed && handle != null && !overwrite)
            {
                try
                {
                    LinuxFile.Link(handle, finalPath);
                }
                catch
                {
                    Close();
                    throw;
                }

                // Linked: the body lives on under its final name (and Length still says how long it is). A part
                // an earlier run left under the part name goes, as it would have under a named part.
                handle.Dispose();
                handle = null;
                FinalPath = finalPath;
                DeleteName();
                return;
            }
#endif
            if (unnamed)
            {
                throw new InvalidOperationException("An unnamed part is linked once, and never over a file.");
            }

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

        private void DeleteName()
        {
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

        private void Attach(SafeFileHandle opened)
        {
            handle = opened;
            unnamed = false;
#if !NET8_0_OR_GREATER
            stream = new FileStream(opened, FileAccess.ReadWrite, 1);
            stream.Position = stream.Length;
#endif
        }

        private static string Hex(byte[] hash)
        {
            var builder = new System.Text.StringBuilder(hash.Length * 2);
            foreach (var b in hash)
            {
                builder.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }

            return builder.ToString();
        }
    }
}
