using System;
using System.IO;
using ThrottledFetch.Engine.Files;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Files;

/// <summary>Two items of one batch never write one file.</summary>
public sealed class PathClaimsTests
{
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "tf-claims");

    [Fact]
    public void TryClaim_SamePathTwice_SecondFails()
    {
        var claims = new PathClaims();
        var path = Path.Combine(Folder, "a.bin");

        Assert.True(claims.TryClaim(path));
        Assert.False(claims.TryClaim(path));
        Assert.False(claims.TryClaim(new string(path.ToCharArray())));
    }

    [Fact]
    public void TryClaim_DifferentPaths_BothSucceed()
    {
        var claims = new PathClaims();

        Assert.True(claims.TryClaim(Path.Combine(Folder, "a.bin")));
        Assert.True(claims.TryClaim(Path.Combine(Folder, "b.bin")));
        Assert.True(claims.TryClaim(Path.Combine(Folder, "sub", "a.bin")));
    }

    [Fact]
    public void TryClaim_ManyDistinctPaths_AllSucceed()
    {
        var claims = new PathClaims();

        for (var i = 0; i < 10000; i++)
        {
            Assert.True(claims.TryClaim(Path.Combine(Folder, $"file{i}.bin")), $"file{i}.bin");
        }
    }

    [Fact]
    public void Release_FreesThePathForAnotherClaim()
    {
        var claims = new PathClaims();
        var path = Path.Combine(Folder, "a.bin");
        claims.TryClaim(path);

        claims.Release(path);

        Assert.True(claims.TryClaim(path));
    }

    [Fact]
    public void TryClaim_PathsDifferingOnlyInCase_FollowTheComparisonOfThisPlatform()
    {
        var claims = new PathClaims();

        Assert.True(claims.TryClaim(Path.Combine(Folder, "Photo.JPG")));
        var secondSucceeds = claims.TryClaim(Path.Combine(Folder, "photo.jpg"));

        Assert.Equal(PathClaims.Comparison == StringComparison.Ordinal, secondSucceeds);
    }

    [Fact]
    public void Comparison_IgnoresCaseExactlyWhereTheUsualFileSystemDoes()
    {
        var expected = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
            ? StringComparison.OrdinalIgnoreCase
            : StringComparison.Ordinal;

        Assert.Equal(expected, PathClaims.Comparison);
    }
}
