using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Tests.Commands
{
    /// <summary>HTTPS on loopback with a self-signed certificate: certificate checks, insecure redirects, credentials.</summary>
    public sealed class TlsTests : IClassFixture<ModuleHost>
    {
        private readonly ModuleHost host;

        public TlsTests(ModuleHost host)
        {
            this.host = host;
        }

        [Fact]
        public async Task UntrustedCertificate_IsAConnectionError_UnlessSkipCertificateCheck()
        {
            await using var server = await LoopbackServer.StartHttpsAsync();
            using var folder = new TempFolder();
            var url = server.Url("bytes/2000/secure.bin").ToString();

            var refused = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1] -MaximumRetryCount 0", url, folder.Path);
            var error = Assert.Single(refused.Errors);
            Assert.StartsWith("DownloadConnectionFailed,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
            Assert.Empty(folder.Files());

            var accepted = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1] -SkipCertificateCheck", url, folder.Path);
            Assert.Empty(accepted.Errors);
            Assert.Equal(TestContent.Bytes(2000), File.ReadAllBytes(folder.File("secure.bin")));
        }

        [Fact]
        public async Task RedirectFromHttpsToHttp_IsRefused_UnlessAllowInsecureRedirect()
        {
            await using var secure = await LoopbackServer.StartHttpsAsync();
            await using var plain = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var url = secure.Url("redirect?to=" + Uri.EscapeDataString(plain.Url("bytes/300/down.bin").ToString())).ToString();

            var refused = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1] -OutFile down.bin -SkipCertificateCheck", url, folder.Path);
            var error = Assert.Single(refused.Errors);
            Assert.StartsWith("DownloadInsecureRedirect,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal(0, plain.TotalRequests);
            Assert.Empty(folder.Files());

            var allowed = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1] -OutFile down.bin -SkipCertificateCheck -AllowInsecureRedirect", url, folder.Path);
            Assert.Empty(allowed.Errors);
            Assert.Equal(TestContent.Bytes(300), File.ReadAllBytes(folder.File("down.bin")));
        }

        [Fact]
        public async Task Token_OverHttps_IsSentWithoutAllowUnencryptedAuthentication()
        {
            await using var server = await LoopbackServer.StartHttpsAsync();
            using var folder = new TempFolder();
            var script = "Invoke-ThrottledDownload $args[0] -Path $args[1] -SkipCertificateCheck -Token ([System.Net.NetworkCredential]::new('', 'sesame').SecurePassword)";

            var run = Run.Script(host, script, server.Url("bytes/10/t.bin").ToString(), folder.Path);

            Assert.Empty(run.Errors);
            Assert.Equal("Bearer sesame", Assert.Single(server.Requests).Headers["Authorization"]);
        }
    }
}
