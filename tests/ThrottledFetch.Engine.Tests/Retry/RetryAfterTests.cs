using System;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using ThrottledFetch.Engine.Retry;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Retry
{
    /// <summary>Retry-After is delta seconds or an HTTP date, read against a given "now".</summary>
    public sealed class RetryAfterTests
    {
        private static readonly DateTimeOffset Now = new DateTimeOffset(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

        [Theory]
        [InlineData("0", 0)]
        [InlineData("1", 1)]
        [InlineData("30", 30)]
        [InlineData("120", 120)]
        [InlineData("86400", 86400)]
        public void RetryAfter_DeltaSeconds_WaitsThatLong(string header, int seconds)
        {
            using var response = Response(header);

            Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfter.Read(response, Now));
        }

        [Fact]
        public void RetryAfter_DeltaSeconds_DoesNotDependOnNow()
        {
            using var response = Response("45");

            Assert.Equal(TimeSpan.FromSeconds(45), RetryAfter.Read(response, Now.AddDays(-3)));
        }

        [Fact]
        public void RetryAfter_TypedDelta_WaitsThatLong()
        {
            using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));

            Assert.Equal(TimeSpan.FromSeconds(7), RetryAfter.Read(response, Now));
        }

        [Theory]
        [InlineData(90)]
        [InlineData(1)]
        [InlineData(3600)]
        public void RetryAfter_HttpDate_WaitsUntilThatTime(int secondsAhead)
        {
            using var response = Response(Now.AddSeconds(secondsAhead).ToString("r", CultureInfo.InvariantCulture));

            Assert.Equal(TimeSpan.FromSeconds(secondsAhead), RetryAfter.Read(response, Now));
        }

        [Fact]
        public void RetryAfter_HttpDate_IsMeasuredFromTheGivenNow()
        {
            using var response = Response("Fri, 14 Mar 2025 12:05:00 GMT");

            Assert.Equal(TimeSpan.FromMinutes(5), RetryAfter.Read(response, Now));
            Assert.Equal(TimeSpan.FromMinutes(2), RetryAfter.Read(response, Now.AddMinutes(3)));
        }

        [Fact]
        public void RetryAfter_HttpDateWithNowInAnotherOffset_ComparesInstants()
        {
            using var response = Response("Fri, 14 Mar 2025 12:01:00 GMT");
            var sameInstantInParis = Now.ToOffset(TimeSpan.FromHours(1));

            Assert.Equal(TimeSpan.FromMinutes(1), RetryAfter.Read(response, sameInstantInParis));
        }

        [Theory]
        [InlineData("Fri, 14 Mar 2025 11:59:59 GMT")]
        [InlineData("Thu, 01 Jan 1970 00:00:00 GMT")]
        public void RetryAfter_PastDate_IsZero(string header)
        {
            using var response = Response(header);

            Assert.Equal(TimeSpan.Zero, RetryAfter.Read(response, Now));
        }

        [Fact]
        public void RetryAfter_DateEqualToNow_IsZero()
        {
            using var response = Response(Now.ToString("r", CultureInfo.InvariantCulture));

            Assert.Equal(TimeSpan.Zero, RetryAfter.Read(response, Now));
        }

        [Fact]
        public void RetryAfter_Absent_IsNull()
        {
            using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);

            Assert.Null(RetryAfter.Read(response, Now));
        }

        [Theory]
        [InlineData("soon")]
        [InlineData("-5")]
        [InlineData("1.5")]
        public void RetryAfter_Unparseable_IsNull(string header)
        {
            using var response = Response(header);

            Assert.Null(RetryAfter.Read(response, Now));
        }

        private static HttpResponseMessage Response(string retryAfter)
        {
            var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            Assert.True(response.Headers.TryAddWithoutValidation("Retry-After", retryAfter));
            return response;
        }
    }
}
