using System.IO;
using ThrottledFetch.Testing;
using Xunit;
using Xunit.Sdk;

namespace ThrottledFetch.Engine.Tests.Batch
{
    /// <summary>Byte-exact checks of downloaded files against the server's deterministic content.</summary>
    internal static class FileAssert
    {
        /// <summary>The file holds exactly TestContent.Bytes(size, seed); a mismatch names the first differing offset.</summary>
        public static void Exact(string path, long size, int seed = 0)
        {
            Assert.True(File.Exists(path), $"'{path}' does not exist.");
            var actual = File.ReadAllBytes(path);
            var expected = TestContent.Bytes(size, seed);
            if (actual.Length != expected.Length)
            {
                throw new XunitException($"'{path}' has {actual.Length} bytes, expected {expected.Length} (seed {seed}).");
            }

            for (var i = 0; i < actual.Length; i++)
            {
                if (actual[i] != expected[i])
                {
                    throw new XunitException($"'{path}' differs from the content (seed {seed}) first at offset {i}.");
                }
            }
        }

        /// <summary>The file holds the first <paramref name="length"/> bytes of the content.</summary>
        public static void Prefix(string path, long length, int seed = 0)
        {
            var actual = File.ReadAllBytes(path);
            Assert.Equal(length, actual.Length);
            Assert.Equal(TestContent.Bytes(length, seed), actual);
        }
    }
}
