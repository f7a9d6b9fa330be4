using System;
using System.IO;
using ThrottledFetch.Engine.Download;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Download
{
    /// <summary>Where an item's file goes: a trusted OutFile as given, a URL or server name only inside the folder.</summary>
    public sealed class TargetPathTests : IDisposable
    {
        private static readonly string[] HostileNames =
        {
            "../../x",
            "..\\..\\x",
            "/etc/passwd",
            "C:\\Windows\\x",
            "....//x",
            "a/../../b",
            "\u0000x",
            "..",
            ".",
            "",
            " ",
            "../",
            "..\\",
            "x/..",
            "/",
            "\\\\server\\share\\x",
            "\\\\?\\C:\\x",
            "C:",
            "C:..",
            "~/x",
            "..%2F..%2Fx",
            ". . /x",
            "x\n/../y",
            "CON",
            "a\\..\\..\\..\\b",
        };

        private readonly string folder;

        public TargetPathTests()
        {
            this.folder = Path.Combine(Path.GetTempPath(), "tf-target-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(this.folder);
        }

        public void Dispose() => Directory.Delete(this.folder, recursive: true);

        [Fact]
        public void Plan_RelativeOutFile_LandsUnderTheDestinationWithItsSubfolders()
        {
            var request = new DownloadRequest(new Uri("http://127.0.0.1/ignored.bin"), "sub/deeper/file.txt");

            var planned = TargetPath.Plan(request, this.folder);

            Assert.Equal(Path.Combine(this.folder, "sub", "deeper", "file.txt"), planned);
        }

        [Fact]
        public void Plan_AbsoluteOutFile_IsUsedAsGiven()
        {
            var elsewhere = Path.Combine(Path.GetTempPath(), "tf-elsewhere-" + Guid.NewGuid().ToString("N"), "abs.bin");
            var request = new DownloadRequest(new Uri("http://127.0.0.1/ignored.bin"), elsewhere);

            var planned = TargetPath.Plan(request, this.folder);

            Assert.Equal(elsewhere, planned);
        }

        [Fact]
        public void Plan_OutFileWithParentSegments_IsTrustedAndResolved()
        {
            var request = new DownloadRequest(new Uri("http://127.0.0.1/ignored.bin"), "../up.txt");

            var planned = TargetPath.Plan(request, this.folder);

            Assert.Equal(Path.Combine(Path.GetDirectoryName(this.folder)!, "up.txt"), planned);
        }

        [Theory]
        [InlineData("folder/")]
        [InlineData("folder\\")]
        [InlineData("a/b/")]
        public void Plan_OutFileNamingAFolder_Throws(string outFile)
        {
            var request = new DownloadRequest(new Uri("http://127.0.0.1/x.bin"), outFile);

            var error = Assert.Throws<ArgumentException>(() => TargetPath.Plan(request, this.folder));

            Assert.Contains(outFile, error.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("http://127.0.0.1/a%20b.txt", "a b.txt")]
        [InlineData("http://127.0.0.1/", "index.html")]
        [InlineData("http://127.0.0.1/dir/", "index.html")]
        [InlineData("http://127.0.0.1/..%2F..%2Fetc%2Fpasswd", "passwd")]
        public void Plan_WithoutOutFile_UsesTheReducedUrlNameInsideTheDestination(string uri, string expectedName)
        {
            var planned = TargetPath.Plan(new DownloadRequest(new Uri(uri)), this.folder);

            Assert.Equal(Path.Combine(this.folder, expectedName), planned);
        }

        [Fact]
        public void Plan_BlankOutFile_FallsBackToTheUrlName()
        {
            var planned = TargetPath.Plan(new DownloadRequest(new Uri("http://127.0.0.1/from-url.txt"), "   "), this.folder);

            Assert.Equal(Path.Combine(this.folder, "from-url.txt"), planned);
        }

        [Fact]
        public void InFolder_BareName_IsThatNameInsideTheFolder()
        {
            Assert.Equal(Path.Combine(this.folder, "file.bin"), TargetPath.InFolder(this.folder, "file.bin"));
        }

        [Fact]
        public void InFolder_FolderWithTrailingSeparator_StillAcceptsABareName()
        {
            var folder = this.folder + Path.DirectorySeparatorChar;

            Assert.Equal(Path.Combine(this.folder, "file.bin"), TargetPath.InFolder(folder, "file.bin"));
        }

        [Theory]
        [InlineData("../x")]
        [InlineData("../../x")]
        [InlineData("..")]
        [InlineData(".")]
        [InlineData("")]
        [InlineData("sub/x")]
        [InlineData("a/../../b")]
        [InlineData("/etc/passwd")]
        public void InFolder_NameThatEscapesOrIsNotBare_IsRefused(string name)
        {
            Assert.Throws<ArgumentException>(() => TargetPath.InFolder(this.folder, name));
        }

        [Fact]
        public void InFolder_SiblingFolderSharingAPrefix_IsRefused()
        {
            // "/tmp/d-evil/x" starts with "/tmp/d" but is not inside it.
            var name = "../" + Path.GetFileName(this.folder) + "-evil/x";

            Assert.Throws<ArgumentException>(() => TargetPath.InFolder(this.folder, name));
        }

        [Fact]
        public void InFolder_EveryReducedHostileName_StaysDirectlyInsideTheFolder()
        {
            var folder = Path.GetFullPath(this.folder);
            foreach (var hostile in HostileNames)
            {
                var bare = SafeFileName.Reduce(hostile) ?? SafeFileName.Fallback;

                var full = TargetPath.InFolder(this.folder, bare);

                Assert.True(
                    string.Equals(Path.GetDirectoryName(full), folder, PathClaims.Comparison),
                    $"'{Escape(hostile)}' reduced to '{Escape(bare)}' lands at '{full}'");
                Assert.False(string.IsNullOrEmpty(Path.GetFileName(full)), $"'{Escape(hostile)}' has no file name");
            }
        }

        [Fact]
        public void Plan_EveryHostileUrlName_StaysDirectlyInsideTheFolder()
        {
            var folder = Path.GetFullPath(this.folder);
            foreach (var hostile in HostileNames)
            {
                var uri = new Uri("http://127.0.0.1/dir/" + Uri.EscapeDataString(hostile));

                var full = TargetPath.Plan(new DownloadRequest(uri), this.folder);

                Assert.True(
                    string.Equals(Path.GetDirectoryName(full), folder, PathClaims.Comparison),
                    $"'{uri}' lands at '{full}'");
            }
        }

        [Fact]
        public void PartOf_AddsThePartSuffix()
        {
            var final = Path.Combine(this.folder, "a.bin");

            Assert.Equal(final + ".part", TargetPath.PartOf(final));
        }

        private static string Escape(string text)
        {
            var builder = new System.Text.StringBuilder();
            foreach (var c in text)
            {
                builder.Append(c < 32 ? $"\\u{(int)c:x4}" : c.ToString());
            }

            return builder.ToString();
        }
    }
}
