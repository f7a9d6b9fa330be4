using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ThrottledFetch.Testing
{
    /// <summary>/slow, /stall, /stall-headers and /hold: bodies that arrive late or not at all.</summary>
    internal sealed class SlowEndpoints
    {
        // Upper bound for stalls so a forgotten client cannot keep a test process alive forever.
        private static readonly TimeSpan StallLimit = TimeSpan.FromMinutes(5);

        private readonly HoldGates holds;

        public SlowEndpoints(HoldGates holds)
        {
            this.holds = holds;
        }

        public void Map(IEndpointRouteBuilder routes)
        {
            BasicEndpoints.Get(routes, "/slow/{size}/{name?}", SlowAsync);
            BasicEndpoints.Get(routes, "/stall/{size}/{name?}", StallAsync);
            BasicEndpoints.Get(routes, "/stall-headers/{name?}", StallHeadersAsync);
            BasicEndpoints.Get(routes, "/hold/{key}/{size}/{name?}", HoldAsync);
        }

        /// <summary>Headers at once, then ?chunk= bytes (default 1024) every ?interval= ms (default 100).</summary>
        private static async Task SlowAsync(HttpContext context)
        {
            if (!RequestArgs.TryRouteLong(context, "size", out long size))
            {
                await Reply.BadRequestAsync(context, "size must be a non-negative integer").ConfigureAwait(false);
                return;
            }
            int chunk = Math.Max(1, RequestArgs.QueryInt(context, "chunk", 1024));
            var interval = TimeSpan.FromMilliseconds(Math.Max(0, RequestArgs.QueryInt(context, "interval", 100)));

            var plan = ContentResponse.Prepare(context, size);
            if (plan == null)
            {
                return;
            }
            await BodyWriter.FlushAsync(context, context.RequestAborted).ConfigureAwait(false);
            await BodyWriter.WriteAsync(context, plan, 0, plan.Length, chunk, interval).ConfigureAwait(false);
        }

        /// <summary>Full Content-Length, the first ?after= bytes (default 0), then silence until the client gives up.</summary>
        private static async Task StallAsync(HttpContext context)
        {
            if (!RequestArgs.TryRouteLong(context, "size", out long size))
            {
                await Reply.BadRequestAsync(context, "size must be a non-negative integer").ConfigureAwait(false);
                return;
            }
            var plan = ContentResponse.Prepare(context, size);
            if (plan == null)
            {
                return;
            }
            long after = Math.Clamp(RequestArgs.QueryLong(context, "after", 0), 0, plan.Length);
            await BodyWriter.WriteAsync(context, plan, 0, after, BodyWriter.DefaultChunk, TimeSpan.Zero).ConfigureAwait(false);
            await BodyWriter.FlushAsync(context, context.RequestAborted).ConfigureAwait(false);
            await Task.Delay(StallLimit, context.RequestAborted).ConfigureAwait(false);
            context.Abort();
        }

        /// <summary>Never answers: waits until the client gives up.</summary>
        private static async Task StallHeadersAsync(HttpContext context)
        {
            await Task.Delay(StallLimit, context.RequestAborted).ConfigureAwait(false);
            context.Abort();
        }

        /// <summary>Full Content-Length and the first half of the body, then the rest once Release(key) is called.</summary>
        private async Task HoldAsync(HttpContext context)
        {
            var key = RequestArgs.Route(context, "key") ?? "";
            if (!RequestArgs.TryRouteLong(context, "size", out long size))
            {
                await Reply.BadRequestAsync(context, "size must be a non-negative integer").ConfigureAwait(false);
                return;
            }
            var plan = ContentResponse.Prepare(context, size);
            if (plan == null)
            {
                return;
            }
            long half = plan.Length / 2;
            await BodyWriter.WriteAsync(context, plan, 0, half, BodyWriter.DefaultChunk, TimeSpan.Zero).ConfigureAwait(false);
            await BodyWriter.FlushAsync(context, context.RequestAborted).ConfigureAwait(false);
            await this.holds.WaitAsync(key, context.RequestAborted).ConfigureAwait(false);
            await BodyWriter.WriteAsync(context, plan, half, plan.Length - half, BodyWriter.DefaultChunk, TimeSpan.Zero)
                .ConfigureAwait(false);
        }
    }
}
