using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Server
{
    /// <summary>Checks the loopback test server itself, since every download test relies on it.</summary>
    public sealed class LoopbackServerTests : IAsyncLifetime
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

        private LoopbackServer server = null!;
        private readonly HttpClient client = new();

        public async Task InitializeAsync() => this.server = await LoopbackServer.StartAsync();

        public async Task DisposeAsync()
        {
            client.Dispose();
            await this.server.DisposeAsync();
        }

        [Fact]
        public async Task Bytes_ReturnsExactContent()
        {
            using var response = await client.GetAsync(this.server.Url("bytes/100000/file.bin?seed=3"));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(TestContent.Bytes(100000, 3), await response.Content.ReadAsByteArrayAsync());
            Assert.Equal(100000, response.Content.Headers.ContentLength);
            Assert.Equal("\"s3-100000\"", response.Headers.ETag?.Tag);
            Assert.Contains("bytes", response.Headers.AcceptRanges);
        }

        [Fact]
        public async Task Bytes_AnswersRangeWith206()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, this.server.Url("bytes/100000"));
            request.Headers.Range = new RangeHeaderValue(40000, 59999);
            using var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal("bytes 40000-59999/100000", response.Content.Headers.ContentRange?.ToString());
            var expected = TestContent.Bytes(100000).AsSpan(40000, 20000).ToArray();
            Assert.Equal(expected, await response.Content.ReadAsByteArrayAsync());
        }

        [Fact]
        public async Task Bytes_AnswersUnsatisfiableRangeWith416()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, this.server.Url("bytes/100"));
            request.Headers.Range = new RangeHeaderValue(100, null);
            using var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
            Assert.Equal("bytes */100", response.Content.Headers.ContentRange?.ToString());
        }

        [Fact]
        public async Task Chunked_SendsTheContentWithoutALength()
        {
            using var response = await client.GetAsync(this.server.Url("chunked/100000/file.bin?seed=4"), HttpCompletionOption.ResponseHeadersRead);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.TransferEncodingChunked);
            Assert.Null(response.Content.Headers.ContentLength);
            Assert.Equal(TestContent.Bytes(100000, 4), await response.Content.ReadAsByteArrayAsync());
        }

        [Fact]
        public async Task Flaky_Answers503ThenSucceeds()
        {
            var url = this.server.Url("flaky/k1/1/5000");

            using (var first = await client.GetAsync(url))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
            }
            using (var second = await client.GetAsync(url))
            {
                Assert.Equal(HttpStatusCode.OK, second.StatusCode);
                Assert.Equal(TestContent.Bytes(5000), await second.Content.ReadAsByteArrayAsync());
            }
            Assert.Equal(2, this.server.CountRequests("/flaky/"));
        }

        [Fact]
        public async Task Hold_PeakIsExactlyThree_AndDropsBeforeClientSeesEnd()
        {
            var downloads = Enumerable.Range(0, 3)
                .Select(i => client.GetByteArrayAsync(this.server.Url($"hold/h1/50000/f{i}.bin")))
                .ToArray();

            await this.server.WaitForInFlightAsync(3, Timeout);
            Assert.Equal(3, this.server.InFlight);

            this.server.Release("h1");
            var bodies = await Task.WhenAll(downloads);

            Assert.All(bodies, body => Assert.Equal(TestContent.Bytes(50000), body));
            Assert.Equal(3, this.server.PeakInFlight);
            // The server leaves the count before the last byte, so it is already zero here.
            Assert.Equal(0, this.server.InFlight);
            Assert.Equal(3, this.server.TotalRequests);
        }

        [Fact]
        public async Task WaitForInFlight_TimesOut()
        {
            await Assert.ThrowsAsync<TimeoutException>(
                () => this.server.WaitForInFlightAsync(1, TimeSpan.FromMilliseconds(100)));
        }

        [Fact]
        public async Task ControlStats_MatchesCounters_AndIsNotCounted()
        {
            await client.GetByteArrayAsync(this.server.Url("bytes/10"));
            await client.GetByteArrayAsync(this.server.Url("bytes/20"));

            var json = await client.GetStringAsync(this.server.Url("_control/stats"));
            using var stats = JsonDocument.Parse(json);

            Assert.Equal(this.server.InFlight, stats.RootElement.GetProperty("inFlight").GetInt32());
            Assert.Equal(this.server.PeakInFlight, stats.RootElement.GetProperty("peakInFlight").GetInt32());
            Assert.Equal(2, stats.RootElement.GetProperty("totalRequests").GetInt32());
            Assert.Equal(2, this.server.TotalRequests);
            Assert.Equal(2, this.server.Requests.Count);
            Assert.Equal("/bytes/10", this.server.Requests[0].Path);
            Assert.Equal(this.server.BaseUri.Port, this.server.Requests[0].Port);
            Assert.True(this.server.Requests[0].Headers.ContainsKey("HOST"));

            using var reset = await client.GetAsync(this.server.Url("_control/reset"));
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
            Assert.Equal(0, this.server.TotalRequests);
            Assert.Empty(this.server.Requests);
        }
    }
}
