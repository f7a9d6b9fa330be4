using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// Endpoints for API calls, answering any method: /echo (what the server received, as JSON), /json/{kind},
    /// /xml, /text and /api-flaky. Query for all but /api-flaky: coding=gzip|deflate|br encodes the answer, but
    /// only when the request's Accept-Encoding lists that coding (as a real server does).
    /// </summary>
    public sealed class ApiEndpoints
    {
        /// <summary>object: numbers of each kind, a list and a nested object; array: three objects; scalar; null.</summary>
        public const string JsonObject = "{\"id\":7,\"name\":\"alpha\",\"ratio\":2.5,\"big\":12345678901234,\"tags\":[\"a\",\"b\"],\"nested\":{\"ok\":true}}";

        public const string JsonArray = "[{\"id\":1,\"name\":\"one\"},{\"id\":2,\"name\":\"two\"},{\"id\":3,\"name\":\"three\"}]";

        public const string Xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><catalog><book id=\"b1\"><title>First</title></book><book id=\"b2\"><title>Second</title></book></catalog>";

        private readonly AttemptCounter attempts;

        internal ApiEndpoints(AttemptCounter attempts)
        {
            this.attempts = attempts;
        }

        internal void Map(IEndpointRouteBuilder routes)
        {
            routes.Map("/echo/{*rest}", EchoAsync);
            routes.Map("/json/{kind}", JsonAsync);
            routes.Map("/xml", context => ReplyAsync(context, StatusCodes.Status200OK, "application/xml; charset=utf-8", Xml));
            routes.Map("/text", TextAsync);
            routes.Map("/api-flaky/{key}/{failures}", FlakyAsync);
        }

        /// <summary>
        /// The request as the server got it: method, path, query, content type, the body (as UTF-8 text and as
        /// base64) and the headers. ?delay=ms waits before answering; ?status=N answers with that status.
        /// </summary>
        private static async Task EchoAsync(HttpContext context)
        {
            var request = context.Request;
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
            int delay = RequestArgs.QueryInt(context, "delay", 0);
            if (delay > 0)
            {
                await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
            }

            var json = new MemoryStream();
            using (var writer = new Utf8JsonWriter(json))
            {
                writer.WriteStartObject();
                writer.WriteString("method", request.Method);
                writer.WriteString("path", request.Path.Value);
                writer.WriteString("query", request.QueryString.Value);
                writer.WriteString("contentType", request.ContentType);
                writer.WriteString("body", Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length));
                writer.WriteBase64String("bodyBase64", body.ToArray());
                writer.WriteNumber("bodyLength", body.Length);
                writer.WriteStartObject("headers");
                foreach (var header in request.Headers)
                {
                    writer.WriteString(header.Key, string.Join(", ", header.Value.ToArray()));
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            int status = RequestArgs.QueryInt(context, "status", StatusCodes.Status200OK);
            await ReplyAsync(context, status, "application/json; charset=utf-8", Encoding.UTF8.GetString(json.ToArray())).ConfigureAwait(false);
        }

        private static Task JsonAsync(HttpContext context)
        {
            var text = RequestArgs.Route(context, "kind") switch
            {
                "object" => JsonObject,
                "array" => JsonArray,
                "scalar" => "42",
                "null" => "null",
                "broken" => "{\"id\": 1,",
                _ => null,
            };
            if (text == null)
            {
                return Reply.BadRequestAsync(context, "kind must be object, array, scalar, null or broken");
            }

            return ReplyAsync(context, StatusCodes.Status200OK, RequestArgs.Query(context, "type") ?? "application/json; charset=utf-8", text);
        }

        /// <summary>"café au lait" in ?charset= (default utf-8), labelled with it, or ?label= if given.</summary>
        private static Task TextAsync(HttpContext context)
        {
            var charset = RequestArgs.Query(context, "charset") ?? "utf-8";
            var bytes = Encoding.GetEncoding(charset).GetBytes("café au lait");
            var label = RequestArgs.Query(context, "label") ?? "text/plain; charset=" + charset;
            return ReplyAsync(context, StatusCodes.Status200OK, label, bytes);
        }

        /// <summary>
        /// The first {failures} attempts per key answer ?code= (default 503) with a JSON error, and Retry-After:
        /// ?retryAfter=N when given; later attempts answer 200 with {"ok":true,"attempt":N,"method":...}.
        /// </summary>
        private Task FlakyAsync(HttpContext context)
        {
            var key = RequestArgs.Route(context, "key") ?? "";
            if (!RequestArgs.TryRouteInt(context, "failures", out int failures))
            {
                return Reply.BadRequestAsync(context, "failures must be a non-negative integer");
            }

            int attempt = this.attempts.Next("api-flaky", key);
            var number = attempt.ToString(CultureInfo.InvariantCulture);
            if (attempt <= failures)
            {
                var retryAfter = RequestArgs.Query(context, "retryAfter");
                if (retryAfter != null)
                {
                    context.Response.Headers.RetryAfter = retryAfter;
                }

                int code = RequestArgs.QueryInt(context, "code", StatusCodes.Status503ServiceUnavailable);
                return ReplyAsync(context, code, "application/json", "{\"error\":\"busy\",\"attempt\":" + number + "}");
            }

            return ReplyAsync(context, StatusCodes.Status200OK, "application/json", "{\"ok\":true,\"attempt\":" + number + ",\"method\":\"" + context.Request.Method + "\"}");
        }

        private static Task ReplyAsync(HttpContext context, int status, string contentType, string text) =>
            ReplyAsync(context, status, contentType, Encoding.UTF8.GetBytes(text));

        private static async Task ReplyAsync(HttpContext context, int status, string contentType, byte[] body)
        {
            var response = context.Response;
            response.StatusCode = status;
            response.ContentType = contentType;
            var coding = RequestArgs.Query(context, "coding");
            if (coding != null && Accepts(context.Request, coding))
            {
                body = Encode(coding, body);
                response.Headers.ContentEncoding = coding;
            }

            response.Headers.Vary = "Accept-Encoding";
            response.ContentLength = body.Length;

            // Leave before the body goes out so a client reacting to it never sees us still counting it.
            RequestScope.Leave(context);
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }

        private static bool Accepts(HttpRequest request, string coding)
        {
            foreach (var value in request.Headers.AcceptEncoding.ToString().Split(','))
            {
                if (string.Equals(value.Split(';')[0].Trim(), coding, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        private static byte[] Encode(string coding, byte[] content)
        {
            using var output = new MemoryStream();
            using (Stream encoder = coding switch
            {
                "gzip" => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
                "deflate" => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
                "br" => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
                _ => throw new ArgumentException("coding must be gzip, deflate or br", nameof(coding)),
            })
            {
                encoder.Write(content, 0, content.Length);
            }

            return output.ToArray();
        }
    }
}
