using System;
using System.IO;
using System.Text;
using ThrottledFetch.Engine.Download;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Download
{
    /// <summary>
    /// The body goes to "&lt;name&gt;.&lt;tag&gt;.part" and is renamed into place only when complete; on Linux a whole
    /// body that may be unnamed goes to an unnamed file instead, linked into place.
    /// </summary>
    public sealed class PartialFileTests : IDisposable
    {
        private readonly string folder;
        private readonly string final;

        public PartialFileTests()
        {
            this.folder = Path.Combine(Path.GetTempPath(), "tf-part-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(this.folder);
            this.final = Path.Combine(this.folder, "file.bin");
        }

        public void Dispose() => Directory.Delete(this.folder, recursive: true);

        [Fact]
        public void Write_GoesToThePartFileBesideTheFinalOne()
        {
            using var part = new PartialFile(this.final, Url);

            part.Create();
            Write(part, "hello");
            part.Close();

            Assert.Equal(PartOf(this.final), part.PartPath);
            Assert.Equal("hello", File.ReadAllText(part.PartPath));
            Assert.Equal(5, part.Length);
            Assert.False(File.Exists(this.final));
        }

        [Fact]
        public void Open_MissingFolder_IsCreated()
        {
            var final = Path.Combine(this.folder, "a", "b", "file.bin");
            using var part = new PartialFile(final, Url);

            part.Create();
            Write(part, "x");
            part.Close();

            Assert.True(File.Exists(PartOf(final)));
        }

        [Fact]
        public void MoveIntoPlace_RenamesThePartFileToTheFinalName()
        {
            using var part = new PartialFile(this.final, Url);
            part.Create();
            Write(part, "body");

            part.MoveIntoPlace(this.final, overwrite: false);

            Assert.Equal("body", File.ReadAllText(this.final));
            Assert.False(File.Exists(part.PartPath));
            Assert.False(part.IsOpen);
            Assert.Equal(this.final, part.FinalPath);
        }

        [Fact]
        public void MoveIntoPlace_OtherName_UpdatesFinalPath()
        {
            var serverName = Path.Combine(this.folder, "from-server.txt");
            using var part = new PartialFile(this.final, Url);
            part.Create();
            Write(part, "body");

            part.MoveIntoPlace(serverName, overwrite: false);

            Assert.Equal(serverName, part.FinalPath);
            Assert.Equal("body", File.ReadAllText(serverName));
            Assert.False(File.Exists(this.final));
        }

        [Fact]
        public void MoveIntoPlace_ExistingFileWithoutOverwrite_ThrowsAndKeepsTheOriginal()
        {
            File.WriteAllText(this.final, "original");
            using var part = new PartialFile(this.final, Url);
            part.Create();
            Write(part, "new body");

            var error = Assert.Throws<FileExistsException>(() => part.MoveIntoPlace(this.final, overwrite: false));

            Assert.Equal(this.final, error.Path);
            Assert.Contains(this.final, error.Message, StringComparison.Ordinal);
            Assert.Equal("original", File.ReadAllText(this.final));
            Assert.Equal("new body", File.ReadAllText(part.PartPath));
        }

        [Fact]
        public void MoveIntoPlace_ExistingFileWithOverwrite_ReplacesIt()
        {
            File.WriteAllText(this.final, "original");
            using var part = new PartialFile(this.final, Url);
            part.Create();
            Write(part, "new body");

            part.MoveIntoPlace(this.final, overwrite: true);

            Assert.Equal("new body", File.ReadAllText(this.final));
            Assert.False(File.Exists(part.PartPath));
        }

        [Fact]
        public void Restart_DropsWhatWasWritten()
        {
            using var part = new PartialFile(this.final, Url);
            part.Create();
            Write(part, "first try, abandoned");

            part.Restart();
            Write(part, "again");
            part.Close();

            Assert.Equal(5, part.Length);
            Assert.Equal("again", File.ReadAllText(part.PartPath));
        }

        [Fact]
        public void OpenAppend_ContinuesAnExistingPartFile()
        {
            File.WriteAllText(PartOf(this.final), "12345");
            using var part = new PartialFile(this.final, Url);

            Assert.True(part.OpenExisting());
            Assert.Equal(5, part.Length);
            Write(part, "678");
            part.Close();

            Assert.Equal(8, part.Length);
            Assert.Equal("12345678", File.ReadAllText(part.PartPath));
        }

        [Fact]
        public void OpenExisting_NoPartFile_OpensNothing()
        {
            using var part = new PartialFile(this.final, Url);

            Assert.False(part.OpenExisting());
            Assert.False(part.IsOpen);
            Assert.False(File.Exists(part.PartPath));
        }

        [Fact]
        public void PartPath_CarriesTheFirstEightHexDigitsOfTheSha256OfTheUrl()
        {
            using var part = new PartialFile(this.final, new Uri("http://127.0.0.1/download?id=1"));
            using var other = new PartialFile(this.final, new Uri("http://127.0.0.1/download?id=2"));
            var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("http://127.0.0.1/download?id=1"));

            Assert.Equal(this.final + "." + Convert.ToHexString(hash, 0, 4).ToLowerInvariant() + ".part", part.PartPath);
            Assert.NotEqual(part.PartPath, other.PartPath);
        }

        [Fact]
        public void Create_OverALinkToAFileOutside_ReplacesTheLinkAndLeavesItsTargetAlone()
        {
            var outside = Path.Combine(this.folder, "outside.txt");
            File.WriteAllText(outside, "precious");
            using var part = new PartialFile(this.final, Url);
            File.CreateSymbolicLink(part.PartPath, outside);

            part.Create();
            Write(part, "body");
            part.Close();

            Assert.Equal("precious", File.ReadAllText(outside));
            Assert.Null(new FileInfo(part.PartPath).LinkTarget);
            Assert.Equal("body", File.ReadAllText(part.PartPath));
        }

        [Fact]
        public void OpenExisting_ALinkWherethePartShouldBe_RemovesTheLinkNotItsTarget()
        {
            var outside = Path.Combine(this.folder, "outside.txt");
            File.WriteAllText(outside, "precious");
            using var part = new PartialFile(this.final, Url);
            File.CreateSymbolicLink(part.PartPath, outside);

            Assert.False(part.OpenExisting());

            Assert.False(File.Exists(part.PartPath) || new FileInfo(part.PartPath).LinkTarget != null);
            Assert.Equal("precious", File.ReadAllText(outside));
        }

        [Fact]
        public void Sha256_IsOfWhatThePartHolds()
        {
            using var part = new PartialFile(this.final, Url);
            part.Create();
            Write(part, "abc");

            Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", part.Sha256());
        }

        [Fact]
        public void Create_ReplacesAStalePartFile()
        {
            File.WriteAllText(PartOf(this.final), "stale bytes from an earlier run");
            using var part = new PartialFile(this.final, Url);

            part.Create();
            Write(part, "new");
            part.Close();

            Assert.Equal(3, part.Length);
            Assert.Equal("new", File.ReadAllText(part.PartPath));
        }

        [Fact]
        public void Delete_RemovesThePartFile()
        {
            using var part = new PartialFile(this.final, Url);
            part.Create();
            Write(part, "x");

            part.Delete();

            Assert.False(File.Exists(part.PartPath));
            Assert.False(part.IsOpen);
        }

        [Fact]
        public void Delete_MissingFile_IsFine()
        {
            using var part = new PartialFile(this.final, Url);

            part.Delete();
            part.Delete();

            Assert.False(File.Exists(part.PartPath));
        }

        [Fact]
        public void Delete_MissingFolder_IsFine()
        {
            using var part = new PartialFile(Path.Combine(this.folder, "no", "such", "folder", "x.bin"), Url);

            part.Delete();

            Assert.False(Directory.Exists(Path.Combine(this.folder, "no")));
        }

        // The unnamed file is Linux's (O_TMPFILE); elsewhere a whole body gets a named part like any other.
        private static bool Unnamed => OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("THROTTLEDFETCH_PORTABLE_FILES") == null;

        [Fact]
        public void OpenForBody_AWholeBody_IsNeverUnderAName_UntilItIsLinkedIntoPlace()
        {
            using var part = new PartialFile(this.final, Url, mayBeUnnamed: true);

            part.OpenForBody(wholeBody: true);
            Write(part, "body");
            var whileWritten = Directory.GetFileSystemEntries(this.folder);
            part.MoveIntoPlace(this.final, overwrite: false);

            Assert.Equal(Unnamed ? Array.Empty<string>() : new[] { part.PartPath }, whileWritten);
            Assert.Equal(new[] { this.final }, Directory.GetFileSystemEntries(this.folder));
            Assert.Equal("body", File.ReadAllText(this.final));
            Assert.Equal(4, part.Length);
        }

        [Fact]
        public void OpenForBody_NotWhole_OrNotAllowed_WritesThePartFile()
        {
            using var notWhole = new PartialFile(this.final, Url, mayBeUnnamed: true);
            using var notAllowed = new PartialFile(Path.Combine(this.folder, "other.bin"), Url);

            notWhole.OpenForBody(wholeBody: false);
            notAllowed.OpenForBody(wholeBody: true);

            Assert.True(File.Exists(notWhole.PartPath));
            Assert.True(File.Exists(notAllowed.PartPath));
        }

        [Fact]
        public void MoveIntoPlace_AWholeBody_KeepsAFileOrALinkAlreadyUnderTheName()
        {
            var outside = Path.Combine(this.folder, "outside.txt");
            File.WriteAllText(outside, "precious");
            File.WriteAllText(this.final, "mine");
            var linked = Path.Combine(this.folder, "linked.bin");
            File.CreateSymbolicLink(linked, outside);
            using var first = new PartialFile(this.final, Url, mayBeUnnamed: true);
            using var second = new PartialFile(linked, Url, mayBeUnnamed: true);
            first.OpenForBody(wholeBody: true);
            second.OpenForBody(wholeBody: true);
            Write(first, "theirs");
            Write(second, "theirs");

            Assert.Throws<FileExistsException>(() => first.MoveIntoPlace(this.final, overwrite: false));
            Assert.Throws<FileExistsException>(() => second.MoveIntoPlace(linked, overwrite: false));

            Assert.Equal("mine", File.ReadAllText(this.final));
            Assert.Equal("precious", File.ReadAllText(outside));
            Assert.Equal(outside, new FileInfo(linked).LinkTarget);
        }

        [Fact]
        public void CloseOrDelete_AnUnnamedBody_LeavesNothing_AndAnEarlierPartAlone()
        {
            File.WriteAllText(PartOf(this.final), "an earlier run's part");
            using var part = new PartialFile(this.final, Url, mayBeUnnamed: true);
            part.OpenForBody(wholeBody: true);
            Write(part, "body");

            part.Delete();

            Assert.Equal(Unnamed ? "an earlier run's part" : null, File.Exists(part.PartPath) ? File.ReadAllText(part.PartPath) : null);
            Assert.False(File.Exists(this.final));
            Assert.Equal(Unnamed ? 0 : 4, part.Length);
        }

        private static readonly Uri Url = new Uri("http://127.0.0.1/file.bin");

        private static string PartOf(string final) => new PartialFile(final, Url).PartPath;

        private static void Write(PartialFile part, string text)
        {
            var bytes = Encoding.ASCII.GetBytes(text);
            part.Write(bytes, 0, bytes.Length);
        }
    }
}
