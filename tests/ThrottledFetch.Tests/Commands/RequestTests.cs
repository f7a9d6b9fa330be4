using System;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading.Tasks;
using System.Xml;
using ThrottledFetch.Testing;
using Xunit;

namespace ThrottledFetch.Tests.Commands
{
    /// <summary>Invoke-ThrottledRequest's output as a user sees it: parsed bodies, bodies sent, errors and response objects.</summary>
    public sealed class RequestTests : IClassFixture<ModuleHost>
    {
        private readonly ModuleHost host;

        public RequestTests(ModuleHost host)
        {
            this.host = host;
        }

        [Fact]
        public async Task Json_BecomesObjects_AndNumbersStayNumbers()
        {
            await using var server = await LoopbackServer.StartAsync();

            var run = Run.Script(host, "Invoke-ThrottledRequest $args[0]", server.Url("json/object").ToString());

            Assert.Empty(run.Errors);
            var answer = Assert.Single(run.Output);
            Assert.Equal(7L, Answer.Get(answer, "id"));
            Assert.Equal(12345678901234L, Answer.Get(answer, "big"));
            Assert.Equal(2.5, Answer.Get(answer, "ratio"));
            Assert.Equal("alpha", Answer.Get(answer, "name"));
            Assert.Equal(new object[] { "a", "b" }, (object[])Answer.Get(answer, "tags")!);
            Assert.Equal(true, Answer.Get(Answer.Get(answer, "nested"), "ok"));
        }

        [Fact]
        public async Task JsonArray_IsUnrolled_OneObjectPerElement()
        {
            await using var server = await LoopbackServer.StartAsync();

            var run = Run.Script(host, "Invoke-ThrottledRequest $args[0] | ForEach-Object { $_.id }", server.Url("json/array").ToString());

            Assert.Empty(run.Errors);
            Assert.Equal(new object[] { 1L, 2L, 3L }, run.Output.Select(o => o.BaseObject).ToArray());
        }

        [Fact]
        public async Task Xml_IsAnXmlDocument_AndOtherText_IsAStringInItsCharset()
        {
            await using var server = await LoopbackServer.StartAsync();
            var urls = new[] { server.Url("xml").ToString(), server.Url("text?charset=iso-8859-1").ToString() };

            var run = Run.Script(host, "$args[0] | Invoke-ThrottledRequest -Limit 1", (object)urls);

            Assert.Empty(run.Errors);
            var document = Assert.IsType<XmlDocument>(run.Output.Single(o => o.BaseObject is XmlDocument).BaseObject);
            Assert.Equal(new[] { "First", "Second" }, document.SelectNodes("/catalog/book/title")!.Cast<XmlNode>().Select(n => n.InnerText));
            Assert.Equal("café au lait", run.Output.Single(o => o.BaseObject is string).BaseObject);
        }

        [Fact]
        public async Task PostAndPutBodies_ArriveIntact_AlsoByPropertyName()
        {
            await using var server = await LoopbackServer.StartAsync();
            const string json = "{\"name\":\"naïve ☕\",\"n\":1}";
            var script = @"
                $rows = [pscustomobject]@{ Uri = $args[0]; Method = 'Put'; Body = 'line one' }, [pscustomobject]@{ Uri = $args[1]; Method = 'post'; Body = [byte[]](0, 1, 2, 255) }
                Invoke-ThrottledRequest $args[2] -Method Post -Body $args[3] -ContentType 'application/json; charset=utf-8'
                $rows | Invoke-ThrottledRequest -Limit 1";

            var run = Run.Script(host, script, server.Url("echo/put").ToString(), server.Url("echo/bytes").ToString(), server.Url("echo/json").ToString(), json);

            Assert.Empty(run.Errors);
            var byPath = run.Output.ToDictionary(o => Answer.Text(o, "path")!);
            Assert.Equal("POST", Answer.Text(byPath["/echo/json"], "method"));
            Assert.Equal(json, Answer.Text(byPath["/echo/json"], "body"));
            Assert.Equal("application/json; charset=utf-8", Answer.Text(byPath["/echo/json"], "contentType"));

            // Each row's Method and Body bind by property name (standard methods in upper case, as sent).
            Assert.Equal("PUT", Answer.Text(byPath["/echo/put"], "method"));
            Assert.Equal("line one", Answer.Text(byPath["/echo/put"], "body"));
            Assert.Equal("POST", Answer.Text(byPath["/echo/bytes"], "method"));
            Assert.Equal(Convert.ToBase64String(new byte[] { 0, 1, 2, 255 }), Answer.Text(byPath["/echo/bytes"], "bodyBase64"));
        }

        [Fact]
        public async Task DictionaryBody_IsAFormForPost_AndTheQueryForGet()
        {
            await using var server = await LoopbackServer.StartAsync();
            var script = @"
                Invoke-ThrottledRequest $args[0] -Method Post -Body ([ordered]@{ name = 'a b&c'; tag = 'x', 'y' })
                Invoke-ThrottledRequest $args[1] -Body ([ordered]@{ page = 2; q = 'é' })";

            var run = Run.Script(host, script, server.Url("echo/form").ToString(), server.Url("echo/query?sort=id").ToString());

            Assert.Empty(run.Errors);
            var form = run.Output.Single(o => Answer.Text(o, "path") == "/echo/form");
            Assert.Equal("name=a+b%26c&tag=x&tag=y", Answer.Text(form, "body"));
            Assert.Equal("application/x-www-form-urlencoded", Answer.Text(form, "contentType"));
            var query = run.Output.Single(o => Answer.Text(o, "path") == "/echo/query");
            Assert.Equal("GET", Answer.Text(query, "method"));
            Assert.Equal("?sort=id&page=2&q=%C3%A9", Answer.Text(query, "query"));
            Assert.Equal(0L, Answer.Get(query, "bodyLength"));
        }

        [Fact]
        public async Task ErrorStatus_IsAnErrorOnly_NamingUrlAndStatus_WithTheBodyInErrorDetails()
        {
            await using var server = await LoopbackServer.StartAsync();
            var url = server.Url("echo/missing?status=404").ToString();

            var run = Run.Script(host, "Invoke-ThrottledRequest $args[0] -Method Delete", url);

            Assert.Empty(run.Output);
            var error = Assert.Single(run.Errors);
            Assert.StartsWith("RequestHttpStatus,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Contains($"'{url}' answered 404", error.Exception.Message, StringComparison.Ordinal);
            Assert.StartsWith($"'{url}' answered 404 (Not Found): {{\"method\":\"DELETE\",\"path\":\"/echo/missing\"", error.ErrorDetails.Message, StringComparison.Ordinal);

            // The API's error object, parsed, is in the target for a script that reads it.
            Assert.True(Answer.IsResult(error.TargetObject));
            Assert.Equal("Failed", Answer.Text(error.TargetObject, "Status"));
            Assert.Equal(404, Answer.Get(error.TargetObject, "StatusCode"));
            Assert.Equal("DELETE", Answer.Text(Answer.Get(error.TargetObject, "Content"), "method"));
        }

        [Theory]
        [InlineData("gzip")]
        [InlineData("deflate")]
        [InlineData("br")]
        public async Task EncodedAnswers_AreAskedFor_AndDecoded(string coding)
        {
            await using var server = await LoopbackServer.StartAsync();

            var run = Run.Script(host, "Invoke-ThrottledRequest $args[0] -AsResponseObject", server.Url("json/object?coding=" + coding).ToString());

            Assert.Empty(run.Errors);
            var result = Assert.Single(run.Output);
            Assert.Equal("gzip, deflate, br", server.Requests.Single().Headers["Accept-Encoding"]);
            var headers = (System.Collections.Generic.IReadOnlyDictionary<string, string>)Answer.Get(result, "Headers")!;
            Assert.Equal(coding, headers["Content-Encoding"]);
            Assert.Equal("alpha", Answer.Text(Answer.Get(result, "Content"), "name"));
            Assert.Equal((long)Encoding.UTF8.GetByteCount(ApiEndpoints.JsonObject), Answer.Get(result, "Length"));
        }

        [Fact]
        public async Task ResponseObjects_JoinEachAnswerToItsInput_AndAFailureIsAnObjectToo()
        {
            await using var server = await LoopbackServer.StartAsync();
            var script = @"
                $base = $args[0]
                1..6 | ForEach-Object { [pscustomobject]@{ Id = $_; Uri = $base + $_ + $(if ($_ -eq 4) { '?status=500' }) } } |
                    Invoke-ThrottledRequest -AsResponseObject -Limit 3 -MaximumRetryCount 0";

            var run = Run.Script(host, script, server.Url("echo/user/").ToString());

            Assert.Equal(6, run.Output.Count);
            Assert.All(run.Output, o => Assert.True(Answer.IsResult(o)));
            foreach (var result in run.Output)
            {
                var id = Answer.Get(Answer.Get(result, "InputObject"), "Id");
                Assert.Equal("/echo/user/" + id, Answer.Text(Answer.Get(result, "Content"), "path"));
            }

            var failed = run.Output.Single(o => Answer.Text(o, "Status") == "Failed");
            Assert.Equal(4, Answer.Get(Answer.Get(failed, "InputObject"), "Id"));
            Assert.Equal(500, Answer.Get(failed, "StatusCode"));
            var error = Assert.Single(run.Errors);
            Assert.StartsWith("RequestHttpStatus,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        }
    }
}
