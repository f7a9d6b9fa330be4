using System;
using System.Globalization;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ThrottledFetch.Testing
{
    /// <summary>/bytes, /status, /delay, /disposition and /redirect.</summary>
    internal static class BasicEndpoints
    {
        public static void Map(IEndpointRouteBuilder routes)
        {
            // The optional trailing {name} only gives the URL a file name; it never changes the content.
            Get(routes, "/bytes/{size}/{name?}", BytesAsync);
            Get(routes, "/status/{code}", StatusAsync);
            Get(routes, "/delay/{ms}/{size}/{name?}", DelayAsync);
            Get(routes, "/disposition/{size}", DispositionAsync);
            Get(routes, "/redirect", RedirectAsync);
        }

        public static void Get(IEndpointRouteBuilder routes, string pattern, RequestDelegate handler) =>
            routes.MapGet(pattern, handler);

        /// <summary>Serves test content of the given size (Range, If-Range, ETag per ContentResponse).</summary>
        public static async Task ServeContentAsync(HttpContext context, long size)
        {
            var plan = ContentResponse.Prepare(context, size);
            if (plan != null)
            {
                await BodyWriter.WriteAllAsync(context, plan).ConfigureAwait(false);
            }
        }

        private static Task BytesAsync(HttpContext context)
        {
            if (!RequestArgs.TryRouteLong(context, "size", out long size))
            {
                return Reply.BadRequestAsync(context, "size must be a non-negative integer");
            }
            return ServeContentAsync(context, size);
        }

        private static Task StatusAsync(HttpContext context)
        {
            if (!RequestArgs.TryRouteInt(context, "code", out int code) || code < 100 || code > 999)
            {
                return Reply.BadRequestAsync(context, "code must be an HTTP status code");
            }
            var body = RequestArgs.Query(context, "body") ?? "status " + code.ToString(CultureInfo.InvariantCulture);
            return Reply.TextAsync(context, code, body);
        }

        private static async Task DelayAsync(HttpContext context)
        {
            if (!RequestArgs.TryRouteLong(context, "ms", out long ms) || !RequestArgs.TryRouteLong(context, "size", out long size))
            {
                await Reply.BadRequestAsync(context, "ms and size must be non-negative integers").ConfigureAwait(false);
                return;
            }
            // Delay before any header so the client waits for the response itself.
            await Task.Delay(TimeSpan.FromMilliseconds(ms), context.RequestAborted).ConfigureAwait(false);
            await ServeContentAsync(context, size).ConfigureAwait(false);
        }

        private static Task DispositionAsync(HttpContext context)
        {
            if (!RequestArgs.TryRouteLong(context, "size", out long size))
            {
                return Reply.BadRequestAsync(context, "size must be a non-negative integer");
            }
            context.Response.Headers.ContentDisposition = DispositionValue(
                RequestArgs.Query(context, "name"), RequestArgs.Query(context, "star"));
            return ServeContentAsync(context, size);
        }

        private static Task RedirectAsync(HttpContext context)
        {
            var target = RequestArgs.Query(context, "to");
            if (string.IsNullOrEmpty(target))
            {
                return Reply.BadRequestAsync(context, "missing ?to=");
            }
            context.Response.StatusCode = RequestArgs.QueryInt(context, "code", StatusCodes.Status302Found);
            context.Response.Headers.Location = target;
            context.Response.ContentLength = 0;
            return Task.CompletedTask;
        }

        /// <summary>
        /// Builds the Content-Disposition value. Names pass through verbatim (hostile ones included,
        /// since the client's sanitising is what is under test). In filename="..." only '"' is
        /// escaped; backslashes stay raw because, as RFC 6266 notes, most clients do not unescape
        /// them, so "..\x" reaches the client as written. filename* is RFC 5987 percent-encoded.
        /// </summary>
        private static string DispositionValue(string? name, string? star)
        {
            var value = new StringBuilder("attachment");
            if (name != null)
            {
                value.Append("; filename=\"");
                foreach (char c in name)
                {
                    if (c == '"')
                    {
                        value.Append('\\');
                    }
                    // Control characters cannot appear in a header at all.
                    value.Append(char.IsControl(c) ? '_' : c);
                }
                value.Append('"');
            }
            if (star != null)
            {
                // EscapeDataString percent-encodes UTF-8 bytes of everything outside the unreserved set,
                // which is a subset of RFC 5987 attr-char.
                value.Append("; filename*=UTF-8''").Append(Uri.EscapeDataString(star));
            }
            return value.ToString();
        }
    }
}
