using System;
using System.IO;
using System.IO.Compression;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// /encoded/{coding}/{size}: the test content sent with a Content-Encoding the client did not ask for, as
    /// some servers do. gzip, deflate (zlib, as RFC 9110 means it), rawdeflate (raw RFC 1951 data labelled
    /// "deflate", as some servers send it) and br are really encoded; any other coding name is sent as the
    /// label over unencoded bytes, for clients to refuse.
    /// Query: seed; length=0 (no Content-Length: chunked); ranges=1 (claim Accept-Ranges: bytes, never
    /// honoured); cut=N with key=K (the first attempt for K sends N encoded bytes, then resets).
    /// </summary>
    internal sealed class EncodedEndpoints
    {
        /// <summary>Bodies are encoded in memory: kept small.</summary>
        public const long MaximumSize = 16L << 20;

        private static readonly TimeSpan DrainPause = TimeSpan.FromMilliseconds(50);

        private readonly AttemptCounter attempts;

        public EncodedEndpoints(AttemptCounter attempts)
        {
            this.attempts = attempts;
        }

        public void Map(IEndpointRouteBuilder routes)
        {
            BasicEndpoints.Get(routes, "/encoded/{coding}/{size}/{name?}", EncodedAsync);
        }

        private static byte[] Encode(string coding, byte[] content)
        {
            using var output = new MemoryStream();
            using (var encoder = Encoder(coding, output))
            {
                if (encoder == null)
                {
                    return content;
                }

                encoder.Write(content, 0, content.Length);
            }

            return output.ToArray();
        }

        private static Stream? Encoder(string coding, Stream output) => coding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "rawdeflate" => new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "br" => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
            _ => null,
        };

        private async Task EncodedAsync(HttpContext context)
        {
            var coding = RequestArgs.Route(context, "coding") ?? "";
            if (!RequestArgs.TryRouteLong(context, "size", out long size) || size > MaximumSize)
            {
                await Reply.BadRequestAsync(context, "size must be a non-negative integer up to 16 MiB").ConfigureAwait(false);
                return;
            }

            var body = Encode(coding, TestContent.Bytes(size, RequestArgs.QueryInt(context, "seed", 0)));
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/octet-stream";
            response.Headers.ContentEncoding = coding == "rawdeflate" ? "deflate" : coding;
            response.Headers.LastModified = ContentResponse.LastModified;
            if (RequestArgs.Query(context, "ranges") == "1")
            {
                response.Headers.AcceptRanges = "bytes";
            }

            if (RequestArgs.Query(context, "length") != "0")
            {
                response.ContentLength = body.Length;
            }

            var key = RequestArgs.Query(context, "key");
            long cut = RequestArgs.QueryLong(context, "cut", -1);
            if (key != null && cut >= 0 && cut < body.Length && this.attempts.Next("encoded", key) == 1)
            {
                await response.Body.WriteAsync(body.AsMemory(0, (int)cut), context.RequestAborted).ConfigureAwait(false);
                await BodyWriter.FlushAsync(context, context.RequestAborted).ConfigureAwait(false);
                await Task.Delay(DrainPause, context.RequestAborted).ConfigureAwait(false);
                RequestScope.Leave(context);
                context.Abort();
                return;
            }

            RequestScope.Leave(context);
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
