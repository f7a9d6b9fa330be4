using System;
using System.Collections.Generic;
using System.Text;
using ThrottledFetch.Engine.Requests;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Requests
{
    /// <summary>The small rules of a call: method names, which are idempotent, forms, media types and charsets.</summary>
    public sealed class RequestTextTests
    {
        [Theory]
        [InlineData("get", "GET")]
        [InlineData(" Post ", "POST")]
        [InlineData("patch", "PATCH")]
        [InlineData("purge", "purge")]
        [InlineData("PROPFIND", "PROPFIND")]
        public void Normalize_SpellsStandardMethodsInUpperCase_AndKeepsOthersAsGiven(string given, string sent) =>
            Assert.Equal(sent, HttpMethods.Normalize(given));

        [Theory]
        [InlineData("GET", true)]
        [InlineData("PUT", true)]
        [InlineData("DELETE", true)]
        [InlineData("HEAD", true)]
        [InlineData("POST", false)]
        [InlineData("PATCH", false)]
        [InlineData("PURGE", false)]
        public void IsIdempotent_FollowsRfc9110_AndTreatsUnknownMethodsAsNot(string method, bool idempotent) =>
            Assert.Equal(idempotent, HttpMethods.IsIdempotent(method));

        [Fact]
        public void FormBody_EncodesEachSide_AndKeepsTheOrder()
        {
            var pairs = new[]
            {
                new KeyValuePair<string, string?>("q", "a b&c=d"),
                new KeyValuePair<string, string?>("ü", null),
                new KeyValuePair<string, string?>("n", "1"),
            };

            Assert.Equal("q=a+b%26c%3Dd&%C3%BC=&n=1", FormBody.Encode(pairs));
        }

        [Theory]
        [InlineData("http://127.0.0.1:8080/items", "page=2", "http://127.0.0.1:8080/items?page=2")]
        [InlineData("http://127.0.0.1/items?sort=id", "page=2", "http://127.0.0.1/items?sort=id&page=2")]
        [InlineData("https://127.0.0.1/items?sort=id", "", "https://127.0.0.1/items?sort=id")]
        public void AppendQuery_AddsTheFormAfterTheExistingQuery(string uri, string form, string expected) =>
            Assert.Equal(expected, FormBody.AppendQuery(new Uri(uri), form).AbsoluteUri);

        [Theory]
        [InlineData("application/json", true, false)]
        [InlineData("Application/JSON; charset=utf-8", true, false)]
        [InlineData("application/problem+json", true, false)]
        [InlineData("text/json", true, false)]
        [InlineData("application/xml", false, true)]
        [InlineData("application/atom+xml; charset=utf-8", false, true)]
        [InlineData("text/xml", false, true)]
        [InlineData("text/plain", false, false)]
        [InlineData("text/html", false, false)]
        [InlineData(null, false, false)]
        public void MediaType_TellsJsonAndXmlApart(string? contentType, bool json, bool xml)
        {
            Assert.Equal(json, MediaType.IsJson(contentType));
            Assert.Equal(xml, MediaType.IsXml(contentType));
        }

        [Theory]
        [InlineData("text/plain; charset=iso-8859-1", new byte[] { 0x63, 0x61, 0x66, 0xE9 })]
        [InlineData("text/plain; charset=\"utf-8\"", new byte[] { 0x63, 0x61, 0x66, 0xC3, 0xA9 })]
        [InlineData("application/json", new byte[] { 0x63, 0x61, 0x66, 0xC3, 0xA9 })]
        [InlineData("text/plain; charset=no-such-charset", new byte[] { 0x63, 0x61, 0x66, 0xC3, 0xA9 })]
        [InlineData("text/plain; charset=iso-8859-1", new byte[] { 0xEF, 0xBB, 0xBF, 0x63, 0x61, 0x66, 0xC3, 0xA9 })]
        [InlineData(null, new byte[] { 0xFF, 0xFE, 0x63, 0, 0x61, 0, 0x66, 0, 0xE9, 0 })]
        public void Text_ReadsAByteOrderMarkFirst_ThenTheCharset_ElseUtf8(string? contentType, byte[] body) =>
            Assert.Equal("café", ResponseText.Decode(body, body.Length, contentType));

        [Fact]
        public void Charset_NamesTheEncodingOfABodySent()
        {
            Assert.Equal(Encoding.UTF8.WebName, Charset.Of("application/json; charset=UTF-8")!.WebName);
            Assert.Null(Charset.Of("application/json"));
        }
    }
}
