using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Batch
{
    /// <summary>
    /// The fault matrix against the real server: what is retried, what is not, and that a retried file
    /// ends byte-exact (continued with Range/If-Range where the server allows it). RetryInterval is 0, so
    /// nothing sleeps; backoff timing is covered with fake time elsewhere.
    /// </summary>
    public sealed class RetryTests : IAsyncLifetime
    {
        private const int Size = 100_000;

        /// <summary>The Last-Modified every content endpoint sends (the If-Range validator when there is no ETag).</summary>
        private const string LastModified = "Tue, 01 Jan 2030 00:00:00 GMT";

        private readonly TempFolder folder = new();
        private LoopbackServer server = null!;

        public async Task InitializeAsync() => this.server = await LoopbackServer.StartAsync();

        public async Task DisposeAsync()
        {
            await this.server.DisposeAsync();
            folder.Dispose();
        }

        public static IEnumerable<object[]> TransientFaults() => new[]
        {
            new object[] { "flaky", "?code=503" },
            new object[] { "flaky", "?code=500" },
            new object[] { "flaky", "?code=502" },
            new object[] { "flaky", "?code=504" },
            new object[] { "flaky", "?code=408" },
            new object[] { "flaky", "?code=429" },
            new object[] { "reset", "" },
            new object[] { "truncate", "" },
        };

        [Theory]
        [MemberData(nameof(TransientFaults))]
        public void TransientFault_TwiceThenServed_CompletesByteExactOnTheThirdAttempt(string endpoint, string query)
        {
            var options = BatchRunner.Options(folder.Path);
            options.MaximumRetryCount = 3;
            options.LearnRate = false; // a 429 also teaches the host's pace, with lines of its own (PaceTests)
            var uri = this.server.Url($"{endpoint}/k/2/{Size}/file.bin{Join(query, "seed=7")}");

            var outcome = BatchRunner.Run(options, new DownloadRequest(uri));

            var finished = outcome.Single();
            Assert.Null(finished.Error);
            Assert.Equal(DownloadStatus.Completed, finished.Result!.Status);
            Assert.Equal(3, finished.Result.Attempts);
            Assert.Equal(Size, finished.Result.Length);
            Assert.Equal(3, this.server.CountRequests($"/{endpoint}/k/"));
            FileAssert.Exact(folder.File("file.bin"), Size, 7);
            Assert.Equal(new[] { "file.bin" }, folder.Files());

            // One verbose line per retry, naming the URL and the attempt.
            Assert.Equal(2, outcome.Verbose.Count);
            Assert.Contains("Retry 1 of 3", outcome.Verbose[0], StringComparison.Ordinal);
            Assert.Contains("Retry 2 of 3", outcome.Verbose[1], StringComparison.Ordinal);
            Assert.All(outcome.Verbose, v => Assert.Contains(uri.ToString(), v, StringComparison.Ordinal));
        }

        [Theory]
        [InlineData(400)]
        [InlineData(401)]
        [InlineData(403)]
        [InlineData(404)]
        public void PermanentStatus_FailsAfterExactlyOneRequest(int code)
        {
            var options = BatchRunner.Options(folder.Path);
            options.MaximumRetryCount = 3;
            var uri = this.server.Url($"status/{code}?body=nothing+here");

            var outcome = BatchRunner.Run(options, new DownloadRequest(uri));

            var finished = outcome.Single();
            Assert.Equal(DownloadStatus.Failed, finished.Result!.Status);
            Assert.Equal(DownloadErrorKind.HttpStatus, finished.Error!.Kind);
            Assert.Equal(code, finished.Error.StatusCode);
            Assert.Equal(code, finished.Result.StatusCode);
            Assert.Equal(1, finished.Result.Attempts);
            Assert.Equal(1, this.server.TotalRequests);
            Assert.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), finished.Error.Message, StringComparison.Ordinal);
            Assert.Contains("nothing here", finished.Error.Message, StringComparison.Ordinal);
            Assert.Empty(outcome.Verbose);
            Assert.Empty(folder.Files());
        }

        [Fact]
        public void MaximumRetryCountZero_TriesOnce()
        {
            var options = BatchRunner.Options(folder.Path);
            options.MaximumRetryCount = 0;

            var outcome = BatchRunner.Run(options, new DownloadRequest(this.server.Url($"flaky/k/1/{Size}/file.bin")));

            var finished = outcome.Single();
            Assert.Equal(DownloadStatus.Failed, finished.Result!.Status);
            Assert.Equal(DownloadErrorKind.HttpStatus, finished.Error!.Kind);
            Assert.Equal(503, finished.Error.StatusCode);
            Assert.Equal(1, finished.Result.Attempts);
            Assert.Equal(1, this.server.TotalRequests);
            Assert.Empty(folder.Files());
        }

        [Fact]
        public void RetriesExhausted_FailsAfterOnePlusMaximumRetryCountRequests()
        {
            var options = BatchRunner.Options(folder.Path);
            options.MaximumRetryCount = 2;

            var outcome = BatchRunner.Run(options, new DownloadRequest(this.server.Url($"reset/k/5/{Size}/file.bin")));

            var finished = outcome.Single();
            Assert.Equal(DownloadStatus.Failed, finished.Result!.Status);

            // Reset after half of the body: the body is short (IncompleteBody), not a refused connection.
            Assert.Equal(DownloadErrorKind.IncompleteBody, finished.Error!.Kind);
            Assert.Equal(3, finished.Result.Attempts);
            Assert.Equal(3, this.server.TotalRequests);
            Assert.Empty(folder.Files()); // the .part of the failed item is removed
        }

        [Fact]
        public void MixedBatch_AFifthOfAttemptsFaulted_EveryFileIsByteExact()
        {
            // A fixed schedule: every item i with i % 4 == 1 fails once or twice, cycling through the kinds.
            string[] faults = { "flaky/{0}/1/{1}/{2}?code=503", "reset/{0}/1/{1}/{2}", "truncate/{0}/1/{1}/{2}", "flaky/{0}/2/{1}/{2}?code=500", "flaky/{0}/1/{1}/{2}?code=429", "reset/{0}/1/{1}/{2}?ranges=0", "flaky/{0}/1/{1}/{2}?code=408" };
            int[] failures = { 1, 1, 1, 2, 1, 1, 1 };
            const int Items = 25;
            var options = BatchRunner.Options(folder.Path);
            options.Limit = 4;
            options.MaximumRetryCount = 3;
            var requests = new List<DownloadRequest>();
            var faulted = 0;
            for (var i = 0; i < Items; i++)
            {
                var size = 20_000 + (i * 3_001);
                var name = $"m{i}.bin";
                string path;
                if (i % 4 == 1)
                {
                    var kind = (i / 4) % faults.Length;
                    path = string.Format(System.Globalization.CultureInfo.InvariantCulture, faults[kind], "m" + i, size, name);
                    faulted += failures[kind];
                }
                else
                {
                    path = $"bytes/{size}/{name}";
                }

                requests.Add(new DownloadRequest(this.server.Url(Join(path, $"seed={i}"))));
            }

            var outcome = BatchRunner.Run(options, requests, TimeSpan.FromSeconds(30));

            var share = (double)faulted / this.server.TotalRequests;
            Assert.InRange(this.server.PeakInFlight, 1, options.Limit);
            Assert.Equal(Items + faulted, this.server.TotalRequests);
            Assert.InRange(share, 0.15, 0.25);
            Assert.Equal(Items, outcome.Finished.Count);
            for (var i = 0; i < Items; i++)
            {
                var finished = outcome.For(requests[i].Uri);
                Assert.True(finished.Error == null, $"item {i} failed: {finished.Error?.Message}");
                Assert.Equal(DownloadStatus.Completed, finished.Result!.Status);
                FileAssert.Exact(folder.File($"m{i}.bin"), 20_000 + (i * 3_001), i);
            }

            Assert.Equal(Items, folder.Files().Length);
        }

        [Fact]
        public void Backoff_HoldsNoSlot_AndACancelEndsItAtOnce()
        {
            // A 30 s backoff (no jitter) with Limit 1: another item to the same host must run meanwhile,
            // and a cancel must not wait for the backoff to end.
            var options = BatchRunner.Options(folder.Path);
            options.Limit = 1;
            options.MaximumRetryCount = 3;
            options.RetryInterval = TimeSpan.FromSeconds(30);
            options.UseJitter = false;
            using var runner = new BatchRunner(options);
            var timeout = TimeSpan.FromSeconds(10);

            runner.Post(new DownloadRequest(this.server.Url($"flaky/k/1/{Size}/a.bin")));
            runner.WaitUntil(() => runner.Verbose.Count > 0, timeout, "the first retry");
            Assert.Contains("waiting 30 s", runner.Verbose[0], StringComparison.Ordinal);
            var b = new DownloadRequest(this.server.Url($"bytes/{Size}/b.bin"));
            runner.Post(b);
            runner.WaitUntil(() => runner.Finished.Count > 0, timeout, "the second item during the first one's backoff");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            runner.Batch.Cancel();
            var ended = runner.Batch.WaitForWorkers(TimeSpan.FromSeconds(1));

            Assert.True(ended, $"the backoff outlived the cancel ({clock.Elapsed})");
            Assert.Equal(b.Uri, Assert.Single(runner.Finished).Item!.Uri);
            Assert.Equal(1, this.server.CountRequests("/flaky/"));
            FileAssert.Exact(folder.File("b.bin"), Size);
            Assert.Equal(new[] { "b.bin" }, folder.Files());
        }

        [Theory]
        [InlineData("", "\"s0-200000\"")]
        [InlineData("?etag=0", LastModified)]
        public void ResetMidBody_RetryContinuesWithRangeAndIfRange(string query, string validator)
        {
            const int Total = 200_000;
            var options = BatchRunner.Options(folder.Path);
            options.MaximumRetryCount = 3;

            var outcome = BatchRunner.Run(options, new DownloadRequest(this.server.Url($"reset/r/1/{Total}/r.bin{query}")));

            var finished = outcome.Single();
            Assert.Null(finished.Error);
            Assert.Equal(2, finished.Result!.Attempts);
            Assert.Equal(206, finished.Result.StatusCode);
            var requests = this.server.Requests;
            Assert.Equal(2, requests.Count);
            Assert.False(requests[0].Headers.ContainsKey("Range"));
            var range = Assert.Contains("Range", requests[1].Headers);
            var match = Regex.Match(range, @"^bytes=(\d+)-$");
            Assert.True(match.Success, $"Range was '{range}'");
            var from = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(from, 1, Total / 2); // the server reset after sending half
            Assert.Equal(validator, Assert.Contains("If-Range", requests[1].Headers));
            FileAssert.Exact(folder.File("r.bin"), Total);
            Assert.Equal(new[] { "r.bin" }, folder.Files());
        }

        [Fact]
        public void ResetMidBody_WithoutRangeSupport_RetryRestartsCleanly()
        {
            const int Total = 200_000;
            var options = BatchRunner.Options(folder.Path);
            options.MaximumRetryCount = 3;

            var outcome = BatchRunner.Run(options, new DownloadRequest(this.server.Url($"reset/r/1/{Total}/r.bin?ranges=0&seed=3")));

            var finished = outcome.Single();
            Assert.Null(finished.Error);
            Assert.Equal(2, finished.Result!.Attempts);
            Assert.Equal(200, finished.Result.StatusCode);
            Assert.Equal(Total, finished.Result.Length);
            Assert.Equal(2, this.server.TotalRequests);
            FileAssert.Exact(folder.File("r.bin"), Total, 3);
            Assert.Equal(new[] { "r.bin" }, folder.Files());
        }

        private static string Join(string path, string parameter) =>
            path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + parameter;
    }
}
