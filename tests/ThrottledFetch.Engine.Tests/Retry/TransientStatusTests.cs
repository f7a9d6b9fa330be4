using ThrottledFetch.Engine.Retry;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Retry
{
    /// <summary>Which statuses are retried: the ones a later attempt can fix.</summary>
    public sealed class TransientStatusTests
    {
        [Theory]
        [InlineData(408)]
        [InlineData(429)]
        [InlineData(500)]
        [InlineData(502)]
        [InlineData(503)]
        [InlineData(504)]
        public void IsTransient_RetryableStatus_IsTrue(int status)
        {
            Assert.True(TransientStatus.IsTransient(status));
        }

        [Theory]
        [InlineData(200)]
        [InlineData(206)]
        [InlineData(304)]
        [InlineData(400)]
        [InlineData(401)]
        [InlineData(403)]
        [InlineData(404)]
        [InlineData(410)]
        [InlineData(416)]
        [InlineData(501)]
        [InlineData(505)]
        public void IsTransient_PermanentOrSuccessStatus_IsFalse(int status)
        {
            Assert.False(TransientStatus.IsTransient(status));
        }

        [Fact]
        public void IsTransient_403WithRetryAfter_IsARateLimitAndRetried()
        {
            Assert.True(TransientStatus.IsTransient(403, retryAfter: true));
            Assert.False(TransientStatus.IsTransient(403, retryAfter: false));
            Assert.False(TransientStatus.IsTransient(404, retryAfter: true));
        }

        [Theory]
        [InlineData(429, false, true)]
        [InlineData(429, true, true)]
        [InlineData(503, true, true)]
        [InlineData(403, true, true)]
        [InlineData(503, false, false)]
        [InlineData(403, false, false)]
        [InlineData(500, true, false)]
        [InlineData(404, true, false)]
        [InlineData(200, true, false)]
        public void IsRateLimit_429_Or503Or403WithRetryAfter(int status, bool retryAfter, bool expected)
        {
            Assert.Equal(expected, TransientStatus.IsRateLimit(status, retryAfter));
        }
    }
}
