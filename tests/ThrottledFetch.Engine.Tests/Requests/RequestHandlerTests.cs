using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Requests
{
    /// <summary>What a call sends and keeps: its body and content type, the size bound on decoded bytes, the error body, and nothing once it is taken.</summary>
    public sealed class RequestHandlerTests : IAsyncLifetime
    {
        private LoopbackServer server = null!;

        public async Task InitializeAsync() => server = await LoopbackServer.StartAsync();

        public async Task DisposeAsync() => await server.DisposeAsync();

        [Fact]
        public void ContentTypeInTheHeaders_LabelsTheBody_AndTheCallsOwnWins()
        {
            var session = RequestRunner.Session();
            session.Headers["Content-Type"] = "application/json";
            var fromHeaders = new RequestItem(server.Url("echo/headers"), "POST", Encoding.UTF8.GetBytes("{}"));
            var own = new RequestItem(server.Url("echo/own"), "POST", Encoding.UTF8.GetBytes("{}"), "text/plain");

            var finished = RequestRunner.Run(session, new RequestOptions(), fromHeaders, own);

            Assert.Equal("application/json", Echo(finished, "/echo/headers").GetProperty("contentType").GetString());
            Assert.Equal("text/plain", Echo(finished, "/echo/own").GetProperty("contentType").GetString());
        }

        [Fact]
        public void Call_AsksForEveryCodingItDecodes()
        {
            RequestRunner.Run(RequestRunner.Session(), new RequestOptions(), new RequestItem(server.Url("echo/coding"), "GET"));

            Assert.Equal("gzip, deflate, br", server.Requests.Single().Headers["Accept-Encoding"]);
        }

        [Fact]
        public void SizeBound_CountsDecodedBytes_AndABodyAtTheBoundFits()
        {
            // 20,000 bytes gzip to far fewer: the bound is on what would be kept, not on the wire.
            var options = new RequestOptions { MaximumResponseSize = 10_000 };
            var encoded = new RequestItem(server.Url("encoded/gzip/20000"), "GET");
            var exact = new RequestItem(server.Url("chunked/10000/exact"), "GET");

            var finished = RequestRunner.Run(RequestRunner.Session(), options, encoded, exact);

            var tooLarge = finished.Single(e => e.Item!.Uri == encoded.Uri);
            Assert.Equal(DownloadErrorKind.TooLarge, tooLarge.Error!.Kind);
            Assert.Equal(1, tooLarge.Result!.Attempts);
            var fits = finished.Single(e => e.Item!.Uri == exact.Uri);
            Assert.Null(fits.Error);
            Assert.Equal(10_000, fits.Result!.Length);
        }

        [Fact]
        public void Head_KeepsTheHeaders_AndIsNotJudgedByTheLengthAGetWouldGet()
        {
            var options = new RequestOptions { MaximumResponseSize = 100 };

            var finished = RequestRunner.Run(RequestRunner.Session(), options, new RequestItem(server.Url("echo/head"), "HEAD")).Single();

            Assert.Null(finished.Error);
            Assert.True(long.Parse(finished.Result!.Headers!["Content-Length"], System.Globalization.CultureInfo.InvariantCulture) > 100);
            Assert.Equal(0, finished.Result.Length);
        }

        [Fact]
        public void ErrorBody_IsKeptAsText_UpToItsOwnBound()
        {
            var small = new RequestItem(server.Url("status/409?body=already+there"), "GET");
            var large = new RequestItem(server.Url("echo/large?status=400"), "POST", new byte[100_000]);

            var finished = RequestRunner.Run(RequestRunner.Session(), new RequestOptions(), small, large);

            var conflict = finished.Single(e => e.Item!.Uri == small.Uri);
            Assert.Equal("already there", conflict.Result!.ContentText);
            Assert.Equal(409, conflict.Result.StatusCode);
            Assert.Contains("already there", conflict.Error!.Message, StringComparison.Ordinal);
            Assert.Equal(64 * 1024, finished.Single(e => e.Item!.Uri == large.Uri).Result!.Length);
        }

        [Fact]
        public void Batch_KeepsNothingOfACall_OnceItsResultIsTaken()
        {
            var results = new List<WeakReference>();
            using var batch = new RequestBatch(RequestRunner.Session(), new RequestOptions());
            var items = Enumerable.Range(0, 40).Select(i => new RequestItem(server.Url($"echo/kept{i}"), "POST", new byte[1000], null, new object()));

            TakeAll(batch, items, results);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();

            Assert.Equal(40, results.Count);
            Assert.Equal(0, results.Count(r => r.IsAlive));
        }

        // Apart, so that no local of the test method keeps a result alive.
        private static void TakeAll(RequestBatch batch, IEnumerable<RequestItem> items, List<WeakReference> results) =>
            RequestRunner.Run(batch, items, e => results.Add(new WeakReference(e.Result))).Clear();

        private static JsonElement Echo(IEnumerable<BatchEvent<RequestResult>> finished, string path) =>
            finished.Select(e => JsonDocument.Parse(e.Result!.ContentText!).RootElement).Single(r => r.GetProperty("path").GetString() == path);
    }
}
