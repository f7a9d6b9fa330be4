using System;
using System.Collections.Generic;
using System.Net;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Batch
{
    /// <summary>
    /// What goes on the wire: -Token, -Credential, -Headers and -UserAgent, which of them follow a redirect
    /// (only to the same scheme, host and port), and credentials refused over plain HTTP.
    /// </summary>
    public sealed class RedirectAuthTests : IAsyncLifetime
    {
        private const string Token = "s3cr3t-t0ken";
        private const string CustomHeader = "X-ThrottledFetch-Test";

        private readonly TempFolder folder = new();
        private LoopbackServer server = null!;
        private LoopbackServer other = null!;

        public async Task InitializeAsync()
        {
            server = await LoopbackServer.StartAsync();
            this.other = await LoopbackServer.StartAsync();
        }

        public async Task DisposeAsync()
        {
            await server.DisposeAsync();
            await this.other.DisposeAsync();
            folder.Dispose();
        }

        [Theory]
        [InlineData(301)]
        [InlineData(302)]
        [InlineData(307)]
        [InlineData(308)]
        public void Redirect_ToAnotherPort_DropsTokenAndUserHeaders(int code)
        {
            var options = WithToken();
            var target = this.other.Url("bytes/3000/r.bin?seed=2");

            var outcome = BatchRunner.Run(options, new DownloadRequest(server.Url($"redirect?code={code}&to={Uri.EscapeDataString(target.ToString())}"), "r.bin"));

            Assert.True(outcome.Single().Error == null, outcome.Single().Error?.Message);
            var first = Assert.Single(server.Requests);
            Assert.Equal("Bearer " + Token, Assert.Contains("Authorization", first.Headers));
            Assert.Equal("yes", Assert.Contains(CustomHeader, first.Headers));
            var second = Assert.Single(this.other.Requests);
            Assert.NotEqual(server.BaseUri.Port, second.Port);
            Assert.False(second.Headers.ContainsKey("Authorization"), "the other origin received the Authorization header");
            Assert.False(second.Headers.ContainsKey(CustomHeader), "the other origin received the user's header");
            FileAssert.Exact(folder.File("r.bin"), 3000, 2);
        }

        [Fact]
        public void Redirect_ToAnotherPort_DropsBasicCredentials()
        {
            var options = BatchRunner.Options(folder.Path);
            options.Credential = new NetworkCredential("user", "pass");
            options.AllowUnencryptedAuthentication = true;
            var target = this.other.Url("bytes/3000/r.bin");

            var outcome = BatchRunner.Run(options, new DownloadRequest(server.Url($"redirect?to={Uri.EscapeDataString(target.ToString())}"), "r.bin"));

            Assert.Null(outcome.Single().Error);
            Assert.StartsWith("Basic ", Assert.Contains("Authorization", Assert.Single(server.Requests).Headers), StringComparison.Ordinal);
            Assert.False(Assert.Single(this.other.Requests).Headers.ContainsKey("Authorization"));
        }

        [Fact]
        public void Redirect_SameOrigin_KeepsTokenAndUserHeaders()
        {
            var options = WithToken();

            var outcome = BatchRunner.Run(options, new DownloadRequest(server.Url("redirect?to=/bytes/3000/r.bin%3Fseed%3D2"), "r.bin"));

            Assert.True(outcome.Single().Error == null, outcome.Single().Error?.Message);
            var requests = server.Requests;
            Assert.Equal(2, requests.Count);
            Assert.Equal("/redirect", requests[0].Path);
            Assert.Equal("/bytes/3000/r.bin", requests[1].Path);
            Assert.All(requests, r =>
            {
                Assert.Equal("Bearer " + Token, Assert.Contains("Authorization", r.Headers));
                Assert.Equal("yes", Assert.Contains(CustomHeader, r.Headers));
            });
            FileAssert.Exact(folder.File("r.bin"), 3000, 2);
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void Credentials_OverPlainHttp_AreRefusedWithoutSendingAnything(bool token)
        {
            var options = BatchRunner.Options(folder.Path);
            if (token)
            {
                options.Token = Token;
            }
            else
            {
                options.Credential = new NetworkCredential("user", "pass");
            }

            var outcome = BatchRunner.Run(options, new DownloadRequest(server.Url("bytes/3000/a.bin")));

            var finished = outcome.Single();
            Assert.Equal(DownloadStatus.Failed, finished.Result!.Status);
            Assert.Equal(DownloadErrorKind.AuthenticationRefused, finished.Error!.Kind);
            Assert.Contains("unencrypted HTTP", finished.Error.Message, StringComparison.Ordinal);
            Assert.Equal(0, server.TotalRequests);
            Assert.Empty(folder.Files());
        }

        [Fact]
        public void Credential_IsSentAsBasic()
        {
            var options = BatchRunner.Options(folder.Path);
            options.Credential = new NetworkCredential("user", "pa:ss wörd");
            options.AllowUnencryptedAuthentication = true;

            var outcome = BatchRunner.Run(options, new DownloadRequest(server.Url("bytes/3000/a.bin")));

            Assert.Null(outcome.Single().Error);
            var expected = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("user:pa:ss wörd"));
            Assert.Equal(expected, Assert.Contains("Authorization", Assert.Single(server.Requests).Headers));
        }

        [Fact]
        public void UserAgent_AndHeaders_AreSentAsGiven()
        {
            var options = BatchRunner.Options(folder.Path);
            options.UserAgent = "Pester-Agent/9.9 (test)";
            options.Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["X-One"] = "1", ["Accept-Language"] = "fr" };

            var outcome = BatchRunner.Run(options, new DownloadRequest(server.Url("bytes/3000/a.bin")));

            Assert.Null(outcome.Single().Error);
            var headers = Assert.Single(server.Requests).Headers;
            Assert.Equal("Pester-Agent/9.9 (test)", Assert.Contains("User-Agent", headers));
            Assert.Equal("1", Assert.Contains("X-One", headers));
            Assert.Equal("fr", Assert.Contains("Accept-Language", headers));
            Assert.False(headers.ContainsKey("Authorization"));
        }

        [Fact]
        public void UserAgent_DefaultsToTheModuleName()
        {
            var outcome = BatchRunner.Run(BatchRunner.Options(folder.Path), new DownloadRequest(server.Url("bytes/3000/a.bin")));

            Assert.Null(outcome.Single().Error);
            Assert.StartsWith("ThrottledFetch/", Assert.Contains("User-Agent", Assert.Single(server.Requests).Headers), StringComparison.Ordinal);
        }

        private BatchOptions WithToken()
        {
            var options = BatchRunner.Options(folder.Path);
            options.Token = Token;
            options.AllowUnencryptedAuthentication = true;
            options.Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [CustomHeader] = "yes" };
            return options;
        }
    }
}
