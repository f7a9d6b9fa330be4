using System;
using System.IO;
using System.Management.Automation;
using System.Security.Cryptography;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Tests.Commands
{
    /// <summary>A server that gzips without being asked: the user gets the file itself, as with Invoke-WebRequest -OutFile.</summary>
    public sealed class EncodingTests : IClassFixture<ModuleHost>
    {
        private readonly ModuleHost host;

        public EncodingTests(ModuleHost host)
        {
            this.host = host;
        }

        [Fact]
        public async Task GzippedBody_IsSavedAsTheOriginalBytes_AndTheOriginalsHashPasses()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var original = TestContent.Bytes(50000, 9);
            var hash = Convert.ToHexString(SHA256.HashData(original));

            var run = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1] -ExpectedHash $args[2]", server.Url("encoded/gzip/50000/data.bin?seed=9").ToString(), folder.Path, hash);

            Assert.Empty(run.Errors);
            var result = Assert.Single(run.Results);
            Assert.Equal("Completed", result.Status);
            Assert.Equal(original.Length, result.Length);
            Assert.Equal(original, File.ReadAllBytes(folder.File("data.bin")));
        }

        [Fact]
        public async Task UnknownEncoding_IsDownloadContentEncoding()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();

            var run = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1]", server.Url("encoded/compress/1000/data.bin").ToString(), folder.Path);

            var error = Assert.Single(run.Errors);
            Assert.StartsWith("DownloadContentEncoding,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
            Assert.Contains("'compress'", error.Exception.Message, StringComparison.Ordinal);
            Assert.Empty(folder.Files());
        }
    }
}
