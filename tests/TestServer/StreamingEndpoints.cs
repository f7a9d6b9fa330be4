using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ThrottledFetch.Testing
{
    /// <summary>/chunked: bodies whose length is not announced.</summary>
    internal static class StreamingEndpoints
    {
        /// <summary>A hard cap, so a body meant to be "endless" still ends by itself if its client never stops.</summary>
        public const long MaximumSize = 1L << 30;

        public static void Map(IEndpointRouteBuilder routes)
        {
            BasicEndpoints.Get(routes, "/chunked/{size}/{name?}", ChunkedAsync);
        }

        /// <summary>
        /// The test content of the given size (at most <see cref="MaximumSize"/>) with no Content-Length, so
        /// HTTP/1.1 sends it chunked; no byte ranges. A client that hangs up ends it early.
        /// </summary>
        private static async Task ChunkedAsync(HttpContext context)
        {
            if (!RequestArgs.TryRouteLong(context, "size", out long size))
            {
                await Reply.BadRequestAsync(context, "size must be a non-negative integer").ConfigureAwait(false);
                return;
            }

            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/octet-stream";
            var plan = new BodyPlan(0, Math.Min(size, MaximumSize), RequestArgs.QueryInt(context, "seed", 0));
            await BodyWriter.FlushAsync(context, context.RequestAborted).ConfigureAwait(false);
            await BodyWriter.WriteAllAsync(context, plan).ConfigureAwait(false);
        }
    }
}
