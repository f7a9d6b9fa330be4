using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Tests.Commands
{
    public sealed class ErrorTests : IClassFixture<ModuleHost>
    {
        private readonly ModuleHost host;

        public ErrorTests(ModuleHost host)
        {
            this.host = host;
        }

        [Fact]
        public async Task BadEntries_AreErrorsNamingTheItem_AndTheRestComplete()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var input = new object[]
            {
                server.Url("bytes/1000/good1.bin").ToString(),
                string.Empty,
                "   ",
                "not a url",
                "ftp://127.0.0.1/file.bin",
                server.Url("status/404?body=gone+away").ToString(),
                server.Url("bytes/2000/good2.bin").ToString(),
            };

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Path $args[1]", input, folder.Path);

            Assert.Equal(new[] { "good1.bin", "good2.bin" }, folder.Files());
            Assert.Equal(3, run.Errors.Count);
            var invalid = run.Errors.Where(e => e.FullyQualifiedErrorId.StartsWith("InvalidDownloadUri,", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, invalid.Count);
            Assert.Contains(invalid, e => e.Exception.Message.Contains("'not a url'", StringComparison.Ordinal));
            Assert.Contains(invalid, e => e.Exception.Message.Contains("ftp://127.0.0.1/file.bin", StringComparison.Ordinal));
            Assert.All(invalid, e => Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category));

            var missing = run.Errors.Single(e => e.FullyQualifiedErrorId.StartsWith("DownloadHttpStatus,", StringComparison.Ordinal));
            Assert.Equal(ErrorCategory.ObjectNotFound, missing.CategoryInfo.Category);
            Assert.Contains("404", missing.Exception.Message, StringComparison.Ordinal);
            Assert.Contains("gone away", missing.Exception.Message, StringComparison.Ordinal);
            Assert.Contains(server.Url("status/404").ToString(), missing.Exception.Message, StringComparison.Ordinal);
            Assert.True(ResultView.Is(missing.TargetObject));
            var target = new ResultView(missing.TargetObject);
            Assert.Equal("Failed", target.Status);
            Assert.Equal(404, target.StatusCode);
            Assert.Equal(1, target.Attempts);

            Assert.Equal(2, run.Results.Count(r => r.Status == "Completed"));
            Assert.Equal(3, run.Results.Count(r => r.Status == "Failed"));
        }

        [Theory]
        [InlineData("truncate")]
        [InlineData("reset")]
        public async Task BodyShorterThanItsContentLength_IsDownloadIncomplete(string endpoint)
        {
            // Half of the announced 100000 bytes, then an early FIN (truncate) or a TCP reset.
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var url = server.Url($"{endpoint}/k/1/100000/short.bin").ToString();

            var run = Run.Script(host, "Invoke-ThrottledDownload $args[0] -Path $args[1] -MaximumRetryCount 0", url, folder.Path);

            var error = Assert.Single(run.Errors);
            Assert.StartsWith("DownloadIncomplete,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
            Assert.Matches($"^'{System.Text.RegularExpressions.Regex.Escape(url)}' ended after [1-9][0-9]* of 100000 bytes", error.Exception.Message);
            var result = Assert.Single(run.Results);
            Assert.Equal("Failed", result.Status);
            Assert.Equal(200, result.StatusCode);
            Assert.Empty(folder.Files());
        }

        [Fact]
        public async Task BodyAboveMaximumFileSize_IsDownloadTooLarge_AndLeavesNoFile()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var urls = new[] { server.Url("bytes/20000/big.bin").ToString(), server.Url("chunked/20000/unsized.bin").ToString(), server.Url("bytes/10240/fits.bin").ToString() };

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Path $args[1] -MaximumFileSize 10KB", urls, folder.Path);

            Assert.Equal(2, run.Errors.Count);
            Assert.All(run.Errors, e => Assert.StartsWith("DownloadTooLarge,", e.FullyQualifiedErrorId, StringComparison.Ordinal));
            Assert.All(run.Errors, e => Assert.Equal(ErrorCategory.LimitsExceeded, e.CategoryInfo.Category));
            Assert.All(run.Errors, e => Assert.Contains("10240 bytes", e.Exception.Message, StringComparison.Ordinal));
            Assert.All(run.Errors, e => Assert.Contains("-MaximumFileSize", e.ErrorDetails.RecommendedAction, StringComparison.Ordinal));
            Assert.Equal(1, server.CountRequests("/bytes/20000/"));
            Assert.Equal(1, server.CountRequests("/chunked/"));
            Assert.Equal(new[] { "fits.bin" }, folder.Files());
        }

        [Fact]
        public async Task SameNameTwice_TheLaterIsACollisionAndNothingIsOverwritten()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var input = new[] { server.Url("bytes/100/same.bin?seed=1").ToString(), server.Url("bytes/200/same.bin?seed=2").ToString() };

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledDownload -Limit 1 -Path $args[1] -Force", input, folder.Path);

            var error = Assert.Single(run.Errors);
            Assert.StartsWith("DownloadNameCollision,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal(TestContent.Bytes(100, 1), File.ReadAllBytes(folder.File("same.bin")));
        }

        [Fact]
        public async Task ErrorActionStop_StopsTheBatch()
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var input = new[] { server.Url("status/404").ToString() }
                .Concat(Enumerable.Range(0, 20).Select(i => server.Url($"delay/200/100/late{i}.bin").ToString()))
                .ToArray();

            using var shell = host.Create();
            shell.AddScript("$args[0] | Invoke-ThrottledDownload -Limit 1 -Path $args[1] -ErrorAction Stop").AddArgument(input).AddArgument(folder.Path);
            Assert.ThrowsAny<RuntimeException>(() => shell.Invoke());

            Assert.True(server.TotalRequests < 5, $"the batch went on after the stop: {server.TotalRequests} requests");
            Assert.DoesNotContain(folder.Files(), f => f.EndsWith(".part", StringComparison.Ordinal));
        }

        [Theory]
        [InlineData("-Force -SkipExisting", "ForceWithSkipExisting")]
        [InlineData("-Credential ([pscredential]::new('u', [System.Net.NetworkCredential]::new('', 'p').SecurePassword)) -Token ([System.Net.NetworkCredential]::new('', 't').SecurePassword)", "CredentialWithToken")]
        [InlineData("-NoProxy -Proxy http://127.0.0.1:9", "NoProxyWithProxy")]
        public async Task ConflictingParameters_AreRejectedBeforeAnyRequest(string parameters, string id)
        {
            await using var server = await LoopbackServer.StartAsync();
            using var folder = new TempFolder();
            var script = $"try {{ Invoke-ThrottledDownload $args[0] -Path $args[1] {parameters} }} catch {{ $_.FullyQualifiedErrorId }}";

            var run = Run.Script(host, script, server.Url("bytes/10/x.bin").ToString(), folder.Path);

            Assert.StartsWith(id + ",", Assert.Single(run.Output).ToString(), StringComparison.Ordinal);
            Assert.Equal(0, server.TotalRequests);
        }
    }
}
