using System;
using ThrottledFetch.Engine.Scheduling;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Scheduling
{
    /// <summary>Counts over the recent past in fixed slots: exact to one slot, and old slots are reused.</summary>
    public sealed class RecentCountTests
    {
        private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

        [Fact]
        public void Count_HoldsTheEventsFromTheSlotOfFromToNow()
        {
            var count = new RecentCount(TimeSpan.FromSeconds(1), Ms(10));
            count.Add(Ms(5));
            count.Add(Ms(15));
            count.Add(Ms(25));
            count.Add(Ms(27));

            Assert.Equal(4, count.Count(Ms(0), Ms(30)));
            Assert.Equal(3, count.Count(Ms(19), Ms(30)));
            Assert.Equal(2, count.Count(Ms(20), Ms(30)));
            Assert.Equal(1, count.Count(Ms(0), Ms(9)));
        }

        [Fact]
        public void Count_ForgetsEventsOlderThanItsSpan_WhenTheirSlotIsReused()
        {
            var count = new RecentCount(TimeSpan.FromSeconds(1), Ms(10));
            count.Add(Ms(5));
            count.Add(Ms(1015));

            count.Add(Ms(1005 + 10));

            Assert.Equal(2, count.Count(Ms(1000), Ms(1020)));
            Assert.Equal(2, count.Count(Ms(0), Ms(1020)));
        }
    }
}
