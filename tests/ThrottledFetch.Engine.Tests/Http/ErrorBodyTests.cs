using ThrottledFetch.Engine.Http;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Http
{
    /// <summary>A body excerpt is one line a terminal shows as text.</summary>
    public sealed class ErrorBodyTests
    {
        [Fact]
        public void Excerpt_WhiteSpaceRunsBecomeOneSpace_OtherControlsAreReplaced()
        {
            Assert.Equal("gone away \uFFFD[2J \uFFFD31m", ErrorBody.Excerpt("  gone\r\n\taway \u001b[2J \u009b31m\n"));
        }

        [Fact]
        public void Excerpt_LongBody_IsCutWithoutSplittingASurrogatePair()
        {
            var text = new string('a', 199) + "\U0001F600" + "tail";

            var excerpt = ErrorBody.Excerpt(text);

            Assert.Equal(new string('a', 199) + "…", excerpt);
        }
    }
}
