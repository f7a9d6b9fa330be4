using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Server;

/// <summary>Checks the loopback test server itself, since every download test relies on it.</summary>
public sealed class LoopbackServerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private LoopbackServer _server = null!;
    private readonly HttpClient _client = new();

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Bytes_ReturnsExactContent()
    {
        using var response = await _client.GetAsync(_server.Url("bytes/100000/file.bin?seed=3"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TestContent.Bytes(100000, 3), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(100000, response.Content.Headers.ContentLength);
        Assert.Equal("\"s3-100000\"", response.Headers.ETag?.Tag);
        Assert.Contains("bytes", response.Headers.AcceptRanges);
    }

    [Fact]
    public async Task Bytes_AnswersRangeWith206()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _server.Url("bytes/100000"));
        request.Headers.Range = new RangeHeaderValue(40000, 59999);
        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("bytes 40000-59999/100000", response.Content.Headers.ContentRange?.ToString());
        var expected = TestContent.Bytes(100000).AsSpan(40000, 20000).ToArray();
        Assert.Equal(expected, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Bytes_AnswersUnsatisfiableRangeWith416()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _server.Url("bytes/100"));
        request.Headers.Range = new RangeHeaderValue(100, null);
        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal("bytes */100", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task Chunked_SendsTheContentWithoutALength()
    {
        using var response = await _client.GetAsync(_server.Url("chunked/100000/file.bin?seed=4"), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.Equal(TestContent.Bytes(100000, 4), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Flaky_Answers503ThenSucceeds()
    {
        var url = _server.Url("flaky/k1/1/5000");

        using (var first = await _client.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        }
        using (var second = await _client.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal(TestContent.Bytes(5000), await second.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal(2, _server.CountRequests("/flaky/"));
    }

    [Fact]
    public async Task Hold_PeakIsExactlyThree_AndDropsBeforeClientSeesEnd()
    {
        var downloads = Enumerable.Range(0, 3)
            .Select(i => _client.GetByteArrayAsync(_server.Url($"hold/h1/50000/f{i}.bin")))
            .ToArray();

        await _server.WaitForInFlightAsync(3, Timeout);
        Assert.Equal(3, _server.InFlight);

        _server.Release("h1");
        var bodies = await Task.WhenAll(downloads);

        Assert.All(bodies, body => Assert.Equal(TestContent.Bytes(50000), body));
        Assert.Equal(3, _server.PeakInFlight);
        // The server leaves the count before the last byte, so it is already zero here.
        Assert.Equal(0, _server.InFlight);
        Assert.Equal(3, _server.TotalRequests);
    }

    [Fact]
    public async Task WaitForInFlight_TimesOut()
    {
        await Assert.ThrowsAsync<TimeoutException>(
            () => _server.WaitForInFlightAsync(1, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task ControlStats_MatchesCounters_AndIsNotCounted()
    {
        await _client.GetByteArrayAsync(_server.Url("bytes/10"));
        await _client.GetByteArrayAsync(_server.Url("bytes/20"));

        var json = await _client.GetStringAsync(_server.Url("_control/stats"));
        using var stats = JsonDocument.Parse(json);

        Assert.Equal(_server.InFlight, stats.RootElement.GetProperty("inFlight").GetInt32());
        Assert.Equal(_server.PeakInFlight, stats.RootElement.GetProperty("peakInFlight").GetInt32());
        Assert.Equal(2, stats.RootElement.GetProperty("totalRequests").GetInt32());
        Assert.Equal(2, _server.TotalRequests);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal("/bytes/10", _server.Requests[0].Path);
        Assert.Equal(_server.BaseUri.Port, _server.Requests[0].Port);
        Assert.True(_server.Requests[0].Headers.ContainsKey("HOST"));

        using var reset = await _client.GetAsync(_server.Url("_control/reset"));
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Equal(0, _server.TotalRequests);
        Assert.Empty(_server.Requests);
    }
}
