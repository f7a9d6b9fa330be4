using System;
using ThrottledFetch.Engine.Scheduling;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Scheduling
{
    /// <summary>The count of the last window from two buckets: exact within one, weighted across two, empty after.</summary>
    public sealed class RecentCountTests
    {
        private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

        [Fact]
        public void InLastWindow_WithinOneBucket_IsExact()
        {
            var count = new RecentCount(TimeSpan.FromSeconds(1));
            count.Add(Ms(100));
            count.Add(Ms(200));
            count.Add(Ms(900));

            Assert.Equal(3, count.InLastWindow(Ms(950)));
        }

        [Fact]
        public void InLastWindow_WeighsThePreviousBucketByHowMuchOfItIsStillInTheWindow()
        {
            var count = new RecentCount(TimeSpan.FromSeconds(1));
            for (var i = 0; i < 10; i++)
            {
                count.Add(Ms(i * 100));
            }

            count.Add(Ms(1100));

            // 250 ms into the second bucket: 1 of it and three quarters of the 10 before.
            Assert.Equal(1 + 7.5, count.InLastWindow(Ms(1250)), 6);

            // A bucket later, only the second counts, by what is left of it.
            Assert.Equal(0.5, count.InLastWindow(Ms(2500)), 6);
        }

        [Fact]
        public void InLastWindow_ForgetsEverythingOlderThanTwoBuckets()
        {
            var count = new RecentCount(TimeSpan.FromSeconds(1));
            count.Add(Ms(100));
            count.Add(Ms(200));

            count.Add(Ms(3100));

            Assert.Equal(1, count.InLastWindow(Ms(3200)));
            Assert.Equal(0, count.InLastWindow(Ms(5200)));
        }
    }
}
