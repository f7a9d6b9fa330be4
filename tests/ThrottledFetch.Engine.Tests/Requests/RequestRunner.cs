using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace ThrottledFetch.Engine.Tests.Requests
{
    /// <summary>
    /// Drives a <see cref="RequestBatch"/> on the calling thread the way the cmdlet does: post each call, take events
    /// while the input is full, then complete and drain. Every wait has a deadline, so a hang fails the test.
    /// </summary>
    internal static class RequestRunner
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

        /// <summary>Session settings for a test: four in flight, and retries that never sleep.</summary>
        public static SessionOptions Session() => new()
        {
            Limit = 4,
            RetryInterval = TimeSpan.Zero,
            OperationTimeout = TimeSpan.FromSeconds(20),
            ConnectionTimeout = TimeSpan.FromSeconds(5),
        };

        public static List<BatchEvent<RequestResult>> Run(SessionOptions session, RequestOptions options, params RequestItem[] items)
        {
            using var batch = new RequestBatch(session, options);
            return Run(batch, items, _ => { });
        }

        /// <summary>Runs the calls on <paramref name="batch"/>, handing each finished event to <paramref name="taken"/> as it is taken.</summary>
        public static List<BatchEvent<RequestResult>> Run(RequestBatch batch, IEnumerable<RequestItem> items, Action<BatchEvent<RequestResult>> taken)
        {
            var finished = new List<BatchEvent<RequestResult>>();
            var clock = Stopwatch.StartNew();
            void Take()
            {
                while (batch.TryTake(out var next))
                {
                    if (next.Kind == BatchEventKind.Finished)
                    {
                        finished.Add(next);
                        taken(next);
                    }
                }

                if (clock.Elapsed > Timeout)
                {
                    throw new TimeoutException($"After {Timeout.TotalSeconds:0} s: posted {batch.Posted}, finished {batch.Finished}.");
                }
            }

            foreach (var item in items)
            {
                while (!batch.TryPost(item))
                {
                    Take();
                    batch.WaitForChange(TimeSpan.FromMilliseconds(250));
                }
            }

            batch.Complete();
            while (!batch.IsDone)
            {
                Take();
                batch.WaitForChange(TimeSpan.FromMilliseconds(250));
            }

            Take();
            return finished;
        }

        public static RequestItem Post(Uri uri, string body = "x") => new(uri, "POST", System.Text.Encoding.UTF8.GetBytes(body));
    }
}
