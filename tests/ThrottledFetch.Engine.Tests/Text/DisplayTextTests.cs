using System;
using ThrottledFetch.Engine.Text;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Text
{
    /// <summary>Control characters never reach a terminal: each is shown as U+FFFD, everything else as it is.</summary>
    public sealed class DisplayTextTests
    {
        [Theory]
        [InlineData("\u001b[2J\u001b[31mPWNED", "\uFFFD[2J\uFFFD[31mPWNED")]
        [InlineData("a\u009b31mb", "a\uFFFD31mb")]
        [InlineData("a\u0000b\u0007c\u007fd\u0085e", "a\uFFFDb\uFFFDc\uFFFDd\uFFFDe")]
        [InlineData("line\r\nbreak\ttab", "line\uFFFD\uFFFDbreak\uFFFDtab")]
        public void Clean_ControlCharacters_AreShownAsTheReplacementCharacter(string text, string shown)
        {
            Assert.Equal(shown, DisplayText.Clean(text));
        }

        [Theory]
        [InlineData("Not Found")]
        [InlineData("Müller ½ €")]
        [InlineData("\u00a0non-breaking")]
        [InlineData("")]
        public void Clean_TextWithoutControlCharacters_IsUnchanged(string text)
        {
            Assert.Equal(text, DisplayText.Clean(text));
        }

        [Fact]
        public void Clean_Null_IsEmpty()
        {
            Assert.Equal(string.Empty, DisplayText.Clean((string?)null));
        }

        [Fact]
        public void Clean_Uri_KeepsItsEscapes()
        {
            Assert.Equal("http://127.0.0.1/a%1B%5B2J", DisplayText.Clean(new Uri("http://127.0.0.1/a%1B%5B2J")));
        }
    }
}
