using System;
using ThrottledFetch.Engine.Http;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Http
{
    /// <summary>Header names are tokens; values are visible ASCII, spaces and tabs; nothing else is sent.</summary>
    public sealed class HeaderValuesTests
    {
        [Theory]
        [InlineData("X-Team")]
        [InlineData("User-Agent")]
        [InlineData("x!#$%&'*+-.^_`|~9")]
        public void NameProblem_Token_IsNone(string name)
        {
            Assert.Null(HeaderValues.NameProblem(name));
        }

        [Theory]
        [InlineData("", "is empty")]
        [InlineData("X-A\r\nX-B", "line break")]
        [InlineData("X-A\n", "line break")]
        [InlineData("X\0A", "NUL")]
        [InlineData("X A", "U+0020")]
        [InlineData("X-A:", "':'")]
        [InlineData("Grüße", "'ü'")]
        public void NameProblem_NotAToken_SaysWhy(string name, string why)
        {
            Assert.Contains(why, HeaderValues.NameProblem(name), StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("")]
        [InlineData("Probe/1.0 (+https://127.0.0.1/)")]
        [InlineData("a\tb ~")]
        public void ValueProblem_VisibleAsciiSpacesAndTabs_IsNone(string value)
        {
            Assert.Null(HeaderValues.ValueProblem(value));
        }

        [Theory]
        [InlineData("a\r\n\r\nGET /echo/SMUGGLED HTTP/1.1\r\nHost: x", "line break")]
        [InlineData("a\nb", "line break")]
        [InlineData("a\rb", "line break")]
        [InlineData("a\0b", "NUL")]
        [InlineData("a\u001bb", "U+001B")]
        [InlineData("a\u007fb", "U+007F")]
        [InlineData("Müller", "'ü' (U+00FC)")]
        [InlineData("a\u0085b", "U+0085")]
        public void ValueProblem_WhatCannotBeSent_SaysWhy(string value, string why)
        {
            Assert.Contains(why, HeaderValues.ValueProblem(value), StringComparison.Ordinal);
        }

        [Fact]
        public void ASessionWithAHeaderThatSplitsTheRequest_CannotBeCreated()
        {
            var options = new SessionOptions();
            options.Headers["X-A"] = "a\r\nX-B: b";

            var error = Assert.Throws<ArgumentException>(() => new HttpSession(options).Dispose());

            Assert.Contains("'X-A'", error.Message, StringComparison.Ordinal);
        }
    }
}
