using System;
using System.IO;
using ThrottledFetch.Engine.Download;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Download
{
    /// <summary>Two items of one batch never write one file.</summary>
    public sealed class PathClaimsTests
    {
        private static readonly string Folder = Path.Combine(Path.GetTempPath(), "tf-claims");

        [Fact]
        public void TryClaim_SamePathTwice_SecondFails()
        {
            var claims = new PathClaims();
            var path = Path.Combine(Folder, "a.bin");

            Assert.True(claims.TryClaimFinal(path));
            Assert.False(claims.TryClaimFinal(path));
            Assert.False(claims.TryClaimFinal(new string(path.ToCharArray())));
        }

        [Fact]
        public void TryClaim_DifferentPaths_BothSucceed()
        {
            var claims = new PathClaims();

            Assert.True(claims.TryClaimFinal(Path.Combine(Folder, "a.bin")));
            Assert.True(claims.TryClaimFinal(Path.Combine(Folder, "b.bin")));
            Assert.True(claims.TryClaimFinal(Path.Combine(Folder, "sub", "a.bin")));
        }

        [Fact]
        public void TryClaim_ManyDistinctPaths_AllSucceed()
        {
            var claims = new PathClaims();

            for (var i = 0; i < 10000; i++)
            {
                Assert.True(claims.TryClaimFinal(Path.Combine(Folder, $"file{i}.bin")), $"file{i}.bin");
            }
        }

        [Fact]
        public void TryClaimFinal_ANameAnotherLiveItemUsesAsItsPart_IsRefused()
        {
            var claims = new PathClaims();
            var part = Path.Combine(Folder, "a.bin.0123abcd.part");
            Assert.True(claims.TryClaimPart(part));

            Assert.False(claims.TryClaimFinal(part));
            Assert.False(claims.TryClaimFinal(part + ".validator"));
        }

        [Fact]
        public void TryClaimPart_ANameAlreadySavedByAnotherItem_IsRefused()
        {
            var claims = new PathClaims();
            var part = Path.Combine(Folder, "a.bin.0123abcd.part");
            Assert.True(claims.TryClaimFinal(part));

            Assert.False(claims.TryClaimPart(part));
        }

        [Fact]
        public void ReleasePart_FreesOnlyThePart()
        {
            var claims = new PathClaims();
            var part = Path.Combine(Folder, "a.bin.0123abcd.part");
            Assert.True(claims.TryClaimPart(part));
            Assert.False(claims.TryClaimPart(part));

            claims.ReleasePart(part);

            Assert.True(claims.TryClaimFinal(part));
        }

        [Fact]
        public void TryClaimFinal_PathsDifferingOnlyInCase_AreOneFileWhereTheFileSystemIgnoresCase()
        {
            var claims = new PathClaims();

            Assert.True(claims.TryClaimFinal(Path.Combine(Folder, "Photo.JPG")));
            var secondSucceeds = claims.TryClaimFinal(Path.Combine(Folder, "photo.jpg"));

            // Written per platform, not from PathClaims.Comparison, so a wrong comparison fails here.
            Assert.Equal(!OperatingSystem.IsWindows() && !OperatingSystem.IsMacOS(), secondSucceeds);
        }
    }
}
