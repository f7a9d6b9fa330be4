using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using ThrottledFetch.Engine.Tests.Batch;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Session
{
    /// <summary>
    /// A session outlives the batches that borrow it; closing it stops every batch still running on it and frees
    /// their slots; a closed session takes no new batch; its counters are the gate's, all batches together.
    /// </summary>
    public sealed class HttpSessionTests : IAsyncLifetime
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

        private readonly TempFolder folder = new();
        private LoopbackServer server = null!;

        public async Task InitializeAsync() => server = await LoopbackServer.StartAsync();

        public async Task DisposeAsync()
        {
            await server.DisposeAsync();
            folder.Dispose();
        }

        [Fact]
        public async Task Counters_AreTheGates_AndAPausedHostLeavesTheListWhenItsPauseEnds()
        {
            var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
            using var session = new HttpSession(new SessionOptions { Limit = 1, TimeProvider = time });
            const string Host = "http://127.0.0.1:1001";
            var held = session.Gate.AcquireAsync(Host, CancellationToken.None);
            var queued = session.Gate.AcquireAsync(Host, CancellationToken.None);
            var until = time.GetUtcNow() + TimeSpan.FromSeconds(30);
            session.Gate.PauseHost(Host, until);

            Assert.Equal((1, 1), (session.InFlight, session.Waiting));
            var paused = Assert.Single(session.PausedHosts);
            Assert.Equal((Host, until), (paused.Host, paused.Until));

            time.Advance(TimeSpan.FromSeconds(30));
            Assert.Empty(session.PausedHosts);
            (await held).Dispose();
            Assert.True(queued.IsCompletedSuccessfully);
            (await queued).Dispose();
            Assert.Equal((0, 0), (session.InFlight, session.Waiting));
        }

        [Fact]
        public void BorrowedSession_StaysOpenAfterItsBatch_AndServesTheNext()
        {
            var options = BatchRunner.Options(folder.Path);
            using var session = new HttpSession(options.Session);
            using (var first = new BatchRunner(session, options))
            {
                first.Post(new DownloadRequest(server.Url("bytes/100/one.bin")));
                Assert.Equal(DownloadStatus.Completed, first.Complete().Finished.Single().Result!.Status);
            }

            Assert.False(session.IsClosed);
            using var second = new BatchRunner(session, options);
            second.Post(new DownloadRequest(server.Url("bytes/100/two.bin")));
            Assert.Equal(DownloadStatus.Completed, second.Complete().Finished.Single().Result!.Status);
        }

        [Fact]
        public async Task Close_StopsTheBatchesOnIt_FreesTheirSlots_AndTheyReportNothing()
        {
            var options = BatchRunner.Options(folder.Path);
            options.Limit = 2;
            var session = new HttpSession(options.Session);
            using var one = new BatchRunner(session, options);
            using var two = new BatchRunner(session, options);
            one.Post(new DownloadRequest(server.Url("hold/close/20000/a.bin")));
            one.Post(new DownloadRequest(server.Url("hold/close/20000/b.bin")));
            two.Post(new DownloadRequest(server.Url("bytes/100/c.bin")));
            await server.WaitForInFlightAsync(2, Timeout);
            Assert.Equal((2, 1), (session.InFlight, session.Waiting));

            session.Dispose();

            Assert.True(one.Batch.CancellationToken.IsCancellationRequested);
            Assert.True(two.Batch.CancellationToken.IsCancellationRequested);
            Assert.True(one.Batch.WaitForWorkers(Timeout) && two.Batch.WaitForWorkers(Timeout), "workers still running after the close");
            Assert.Equal((0, 0), (session.InFlight, session.Waiting));
            one.TakeEvents();
            two.TakeEvents();
            Assert.Empty(one.Finished.Concat(two.Finished));
            Assert.Equal(0, server.CountRequests("/bytes/"));
            Assert.Empty(folder.Files());
            server.Release("close");
        }

        [Fact]
        public void ClosedSession_RefusesANewBatch()
        {
            var options = BatchRunner.Options(folder.Path);
            var session = new HttpSession(options.Session);
            session.Dispose();
            session.Dispose();

            Assert.True(session.IsClosed);
            Assert.Throws<ObjectDisposedException>(() => new BatchRunner(session, options));
        }
    }
}
