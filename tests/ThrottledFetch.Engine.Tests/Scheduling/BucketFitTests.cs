using System;
using ThrottledFetch.Engine.Scheduling;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Scheduling
{
    /// <summary>The token-bucket fit on its own: the rate it finds, a long record, what it does not fit.</summary>
    public sealed class BucketFitTests
    {
        private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

        [Fact]
        public void StartsAtARateThatEmptiedABucket_FitThatRate()
        {
            // A bucket of 10 that refills at 100/s, full at 0, and a client at 200/s: it holds for 19 starts
            // (10 + 100/s over 95 ms), and the 20th is refused.
            var fit = new BucketFit();
            fit.Restart(TimeSpan.Zero);
            for (var i = 0; i < 19; i++)
            {
                fit.Taken(5 * i * Ms);
            }

            var rate = fit.Rate(5 * 19 * Ms, burst: 10, burstSpan: TimeSpan.Zero, low: 1, high: 1000);

            Assert.InRange(rate!.Value, 90, 110);
        }

        [Fact]
        public void ALongRecord_KeepsItsNewestStarts_AndStillFits()
        {
            // 3,000 starts at 1,000/s, taken by a bucket of 10 at that rate: more than the record keeps.
            var fit = new BucketFit();
            fit.Restart(TimeSpan.Zero);
            for (var i = 0; i < 3000; i++)
            {
                fit.Taken(i * Ms);
            }

            var rate = fit.Rate(3000 * Ms - TimeSpan.FromTicks(1), burst: 10, burstSpan: TimeSpan.Zero, low: 10, high: 5000);

            Assert.InRange(rate!.Value, 950, 1050);
        }

        [Fact]
        public void NothingRecorded_OrARefusalNoBucketOfThatSizeWouldMake_FitsNothing()
        {
            var fit = new BucketFit();
            fit.Restart(TimeSpan.Zero);
            Assert.Null(fit.Rate(Ms, burst: 10, burstSpan: TimeSpan.Zero, low: 1, high: 100));

            // Three starts against a bucket of 50: it would take a fourth at any rate.
            for (var i = 0; i < 3; i++)
            {
                fit.Taken(i * Ms);
            }

            Assert.Null(fit.Rate(3 * Ms, burst: 50, burstSpan: TimeSpan.Zero, low: 1, high: 100));
        }

        [Fact]
        public void StartsBeforeTheRecordBegan_DoNotCount()
        {
            var fit = new BucketFit();
            fit.Restart(TimeSpan.FromSeconds(1));
            for (var i = 0; i < 100; i++)
            {
                fit.Taken(i * Ms);
            }

            Assert.Null(fit.Rate(TimeSpan.FromSeconds(1) + Ms, burst: 10, burstSpan: TimeSpan.Zero, low: 1, high: 100));
        }
    }
}
