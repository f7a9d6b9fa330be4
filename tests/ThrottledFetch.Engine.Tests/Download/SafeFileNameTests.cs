using System;
using System.IO;
using System.Text;
using ThrottledFetch.Engine.Download;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Download
{
    /// <summary>Names from a URL or a server become bare names that are safe on Windows and Unix.</summary>
    public sealed class SafeFileNameTests
    {
        private const string WindowsForbidden = "<>:\"|?*";

        [Theory]
        [InlineData("a/b/c.txt", "c.txt")]
        [InlineData("a\\b\\c.txt", "c.txt")]
        [InlineData("a/b\\c.txt", "c.txt")]
        [InlineData("a\\b/c.txt", "c.txt")]
        [InlineData("/c.txt", "c.txt")]
        [InlineData("plain.txt", "plain.txt")]
        public void Reduce_PathWithEitherSeparator_KeepsOnlyTheLastSegment(string name, string expected)
        {
            Assert.Equal(expected, SafeFileName.Reduce(name));
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData(".")]
        [InlineData("..")]
        [InlineData("...")]
        [InlineData("   ")]
        [InlineData(". .")]
        [InlineData("a/..")]
        [InlineData("a\\.")]
        [InlineData("dir/")]
        [InlineData("dir\\")]
        public void Reduce_NothingUsableLeft_ReturnsNull(string? name)
        {
            Assert.Null(SafeFileName.Reduce(name));
        }

        [Theory]
        [InlineData("a\0b.txt", "a_b.txt")]
        [InlineData("\u0000x", "_x")]
        [InlineData("tab\there", "tab_here")]
        [InlineData("line\r\nbreak", "line__break")]
        [InlineData("bell\u0007", "bell_")]
        [InlineData("del\u007f.bin", "del_.bin")]
        [InlineData("esc\u001b[31m.txt", "esc_[31m.txt")]
        public void Reduce_ControlCharacters_BecomeUnderscores(string name, string expected)
        {
            Assert.Equal(expected, SafeFileName.Reduce(name));
        }

        [Fact]
        public void Reduce_EveryWindowsForbiddenCharacter_BecomesAnUnderscore()
        {
            foreach (var c in WindowsForbidden)
            {
                var reduced = SafeFileName.Reduce("a" + c + "b.txt");

                Assert.Equal("a_b.txt", reduced);
            }
        }

        [Fact]
        public void Reduce_DriveLetterPrefix_IsNeitherKeptNorARoot()
        {
            Assert.Equal("C_x.txt", SafeFileName.Reduce("C:x.txt"));
            Assert.Equal("x", SafeFileName.Reduce("C:\\Windows\\x"));
        }

        [Theory]
        [InlineData("report.pdf.", "report.pdf")]
        [InlineData("report.pdf ", "report.pdf")]
        [InlineData("report.pdf. . .", "report.pdf")]
        [InlineData(" report.pdf", "report.pdf")]
        [InlineData("a b.txt", "a b.txt")]
        public void Reduce_TrailingDotsAndSpaces_AreRemoved(string name, string expected)
        {
            Assert.Equal(expected, SafeFileName.Reduce(name));
        }

        [Theory]
        [InlineData("CON", "_CON")]
        [InlineData("con", "_con")]
        [InlineData("con.txt", "_con.txt")]
        [InlineData("CON.tar.gz", "_CON.tar.gz")]
        [InlineData("PRN", "_PRN")]
        [InlineData("aux.log", "_aux.log")]
        [InlineData("NUL", "_NUL")]
        [InlineData("nul ", "_nul")]
        [InlineData("nul .txt", "_nul .txt")]
        [InlineData("CON.", "_CON")]
        [InlineData("LPT1", "_LPT1")]
        [InlineData("lpt9.dat", "_lpt9.dat")]
        [InlineData("COM9.log", "_COM9.log")]
        [InlineData("COM0", "_COM0")]
        [InlineData("CONIN$", "_CONIN$")]
        [InlineData("conout$.txt", "_conout$.txt")]
        [InlineData("dir/CON", "_CON")]
        public void Reduce_WindowsReservedName_GetsAPrefix(string name, string expected)
        {
            Assert.Equal(expected, SafeFileName.Reduce(name));
        }

        [Theory]
        [InlineData("CONSOLE.txt")]
        [InlineData("COM10")]
        [InlineData("LPT")]
        [InlineData("icon.png")]
        [InlineData("nullable.cs")]
        [InlineData("my.CON")]
        public void Reduce_NameThatOnlyResemblesAReservedName_IsKept(string name)
        {
            Assert.Equal(name, SafeFileName.Reduce(name));
        }

        [Fact]
        public void Reduce_SuperscriptDigitDeviceName_GetsAPrefix()
        {
            foreach (var name in new[] { "COM\u00b9", "COM\u00b2.txt", "LPT\u00b3" })
            {
                Assert.Equal("_" + name, SafeFileName.Reduce(name));
            }
        }

        [Fact]
        public void Reduce_VeryLongName_IsTruncatedKeepingTheExtension()
        {
            var name = new string('a', 300) + ".tar.gz";

            var reduced = SafeFileName.Reduce(name)!;

            Assert.Equal(200, reduced.Length);
            Assert.EndsWith(".gz", reduced, StringComparison.Ordinal);
            Assert.StartsWith(new string('a', 197), reduced, StringComparison.Ordinal);
        }

        [Fact]
        public void Reduce_VeryLongNameWithAnAbsurdExtension_IsTruncatedWithoutIt()
        {
            var name = new string('a', 150) + "." + new string('e', 100);

            var reduced = SafeFileName.Reduce(name)!;

            Assert.Equal(200, reduced.Length);
            Assert.Equal(name.Substring(0, 200), reduced);
        }

        [Fact]
        public void Reduce_NameOfExactlyTheLimit_IsKept()
        {
            var name = new string('a', 196) + ".bin";

            Assert.Equal(name, SafeFileName.Reduce(name));
        }

        [Theory]
        [InlineData('.')]
        [InlineData(' ')]
        public void Reduce_TruncationAtADotOrSpace_LeavesNoTrailingDotOrSpace(char atCut)
        {
            // 199 letters, then the character that lands last after the cut to 200, then a long tail
            // that GetExtension either misses (space) or rejects as longer than 20 characters (dot).
            var name = new string('a', 199) + atCut + new string('b', 50);

            var reduced = SafeFileName.Reduce(name)!;

            Assert.False(reduced.EndsWith(".", StringComparison.Ordinal) || reduced.EndsWith(" ", StringComparison.Ordinal), $"'{reduced}' ends with a dot or space");
        }

        [Fact]
        public void Reduce_LongMultiByteName_FitsTheByteLimitWithItsPartAndValidatorSuffixes()
        {
            var name = new string('\u65e5', 120) + ".txt"; // 124 characters, 364 bytes in UTF-8

            var reduced = SafeFileName.Reduce(name)!;

            var longestSibling = ResumeValidator.PathOf(TargetPath.PartOf(reduced));
            Assert.True(Encoding.UTF8.GetByteCount(longestSibling) <= 255, $"{Encoding.UTF8.GetByteCount(reduced)} bytes");
            Assert.EndsWith(".txt", reduced, StringComparison.Ordinal);
        }

        [Fact]
        public void Reduce_LongMultiByteName_CanBeCreatedWithItsValidatorBeside()
        {
            var folder = Path.Combine(Path.GetTempPath(), "tf-names-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                var reduced = SafeFileName.Reduce(new string('\u00e9', 240) + ".html")!;
                var validator = ResumeValidator.PathOf(TargetPath.PartOf(Path.Combine(folder, reduced)));

                File.WriteAllText(validator, "\"etag\"");

                Assert.True(File.Exists(validator));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [Fact]
        public void Reduce_TruncationInsideASurrogatePair_LeavesWellFormedText()
        {
            var name = "a" + string.Concat(System.Linq.Enumerable.Repeat("\ud83d\ude00", 150)) + ".txt";

            var reduced = SafeFileName.Reduce(name)!;

            for (var i = 0; i < reduced.Length; i++)
            {
                if (char.IsHighSurrogate(reduced[i]))
                {
                    Assert.True(i + 1 < reduced.Length && char.IsLowSurrogate(reduced[i + 1]), $"lone high surrogate at {i}");
                    i++;
                }
                else
                {
                    Assert.False(char.IsLowSurrogate(reduced[i]), $"lone low surrogate at {i}");
                }
            }
        }

        [Theory]
        [InlineData("http://127.0.0.1/a%20b.txt", "a b.txt")]
        [InlineData("http://127.0.0.1/dir/file.zip", "file.zip")]
        [InlineData("http://127.0.0.1/dir/file.zip?x=1&y=/z.exe", "file.zip")]
        [InlineData("http://127.0.0.1/dir/file.zip#part/two", "file.zip")]
        [InlineData("http://127.0.0.1/100%25.txt", "100%.txt")]
        [InlineData("http://127.0.0.1/%E6%97%A5%E6%9C%AC.txt", "\u65e5\u672c.txt")]
        [InlineData("http://127.0.0.1/dir", "dir")]
        public void FromUri_LastSegment_IsPercentDecoded(string uri, string expected)
        {
            Assert.Equal(expected, SafeFileName.FromUri(new Uri(uri)));
        }

        [Theory]
        [InlineData("http://127.0.0.1")]
        [InlineData("http://127.0.0.1/")]
        [InlineData("http://127.0.0.1/dir/")]
        [InlineData("http://127.0.0.1/dir/?name=x.txt")]
        [InlineData("http://127.0.0.1/.")]
        [InlineData("http://127.0.0.1/%2E%2E")]
        [InlineData("http://127.0.0.1/dir/%20%20")]
        [InlineData("http://127.0.0.1/dir/..%2F")]
        public void FromUri_NoUsableSegment_FallsBackToIndexHtml(string uri)
        {
            Assert.Equal(SafeFileName.Fallback, SafeFileName.FromUri(new Uri(uri)));
            Assert.Equal("index.html", SafeFileName.Fallback);
        }

        [Theory]
        [InlineData("http://127.0.0.1/a%2Fb.txt", "b.txt")]
        [InlineData("http://127.0.0.1/a%5Cb.txt", "b.txt")]
        [InlineData("http://127.0.0.1/..%2F..%2Fetc%2Fpasswd", "passwd")]
        [InlineData("http://127.0.0.1/..%5C..%5Cwindows%5Cwin.ini", "win.ini")]
        [InlineData("http://127.0.0.1/x/%2E%2E%2F%2E%2E%2Fetc%2Fshadow", "shadow")]
        [InlineData("http://127.0.0.1/a%00b", "a_b")]
        [InlineData("http://127.0.0.1/C%3A%5Cboot.ini", "boot.ini")]
        [InlineData("http://127.0.0.1/CON", "_CON")]
        [InlineData("http://127.0.0.1/file.txt%2E%2E", "file.txt")]
        public void FromUri_HostileSegment_IsReducedToABareSafeName(string uri, string expected)
        {
            var name = SafeFileName.FromUri(new Uri(uri));

            Assert.Equal(expected, name);
            Assert.DoesNotContain('/', name);
            Assert.DoesNotContain('\\', name);
        }

        [Fact]
        public void FromUri_RelativeUri_UsesItsLastSegment()
        {
            Assert.Equal("b.txt", SafeFileName.FromUri(new Uri("a/b.txt", UriKind.Relative)));
        }
    }
}
