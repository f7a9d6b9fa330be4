using System;
using System.Globalization;
using System.Net.Sockets;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// /flaky, /retry-after, /reset and /truncate: the first {failures} attempts per key fail,
    /// later attempts behave like /bytes/{size} (Range included, so clients can resume).
    /// </summary>
    internal sealed class FailureEndpoints
    {
        // Kestrel drops output that is still queued when a connection is aborted; this pause lets the
        // bytes already written reach the client first, so it really receives "after" bytes.
        private static readonly TimeSpan DrainPause = TimeSpan.FromMilliseconds(50);

        private readonly AttemptCounter attempts;

        public FailureEndpoints(AttemptCounter attempts)
        {
            this.attempts = attempts;
        }

        public void Map(IEndpointRouteBuilder routes)
        {
            BasicEndpoints.Get(routes, "/flaky/{key}/{failures}/{size}/{name?}", FlakyAsync);
            BasicEndpoints.Get(routes, "/retry-after/{key}/{failures}/{size}/{name?}", RetryAfterAsync);
            BasicEndpoints.Get(routes, "/reset/{key}/{failures}/{size}/{name?}", ResetAsync);
            BasicEndpoints.Get(routes, "/truncate/{key}/{failures}/{size}/{name?}", TruncateAsync);
        }

        /// <summary>Failing attempts answer ?code= (default 503) with a short text body.</summary>
        private Task FlakyAsync(HttpContext context) =>
            RunAsync(context, "flaky", (attempt, size) =>
            {
                int code = RequestArgs.QueryInt(context, "code", StatusCodes.Status503ServiceUnavailable);
                return Reply.TextAsync(context, code, "flaky failure " + attempt.ToString(CultureInfo.InvariantCulture));
            });

        /// <summary>Failing attempts answer ?code= (default 429) with Retry-After: ?seconds=N or an HTTP-date ?date=N seconds ahead.</summary>
        private Task RetryAfterAsync(HttpContext context) =>
            RunAsync(context, "retry-after", (attempt, size) =>
            {
                int code = RequestArgs.QueryInt(context, "code", StatusCodes.Status429TooManyRequests);
                var date = RequestArgs.Query(context, "date");
                if (date != null)
                {
                    int seconds = RequestArgs.QueryInt(context, "date", 0);
                    context.Response.Headers.RetryAfter = DateTimeOffset.UtcNow.AddSeconds(seconds).ToString("R", CultureInfo.InvariantCulture);
                }
                else
                {
                    context.Response.Headers.RetryAfter = RequestArgs.QueryInt(context, "seconds", 1).ToString(CultureInfo.InvariantCulture);
                }
                return Reply.TextAsync(context, code, "retry later (attempt " + attempt.ToString(CultureInfo.InvariantCulture) + ")");
            });

        /// <summary>Failing attempts send ?after= bytes (default half) and then reset the connection (TCP RST).</summary>
        private Task ResetAsync(HttpContext context) =>
            RunAsync(context, "reset", (attempt, size) => CutAsync(context, size, reset: true));

        /// <summary>Failing attempts send ?after= bytes (default half) and then close the connection early (FIN).</summary>
        private Task TruncateAsync(HttpContext context) =>
            RunAsync(context, "truncate", (attempt, size) => CutAsync(context, size, reset: false));

        private async Task RunAsync(HttpContext context, string endpoint, Func<int, long, Task> fail)
        {
            var key = RequestArgs.Route(context, "key") ?? "";
            if (!RequestArgs.TryRouteInt(context, "failures", out int failures)
                || !RequestArgs.TryRouteLong(context, "size", out long size))
            {
                await Reply.BadRequestAsync(context, "failures and size must be non-negative integers").ConfigureAwait(false);
                return;
            }

            int attempt = this.attempts.Next(endpoint, key);
            if (attempt <= failures)
            {
                await fail(attempt, size).ConfigureAwait(false);
            }
            else
            {
                await BasicEndpoints.ServeContentAsync(context, size).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Declares the full length (Range honoured, so a resumed attempt can fail again), writes part
        /// of the body, then ends the connection. The "after" count is kept below the body length so
        /// the body is always short.
        /// </summary>
        private static async Task CutAsync(HttpContext context, long size, bool reset)
        {
            var plan = ContentResponse.Prepare(context, size);
            if (plan == null)
            {
                return;
            }
            long after = RequestArgs.QueryLong(context, "after", plan.Length / 2);
            after = Math.Clamp(after, 0, Math.Max(0, plan.Length - 1));

            await BodyWriter.WriteAsync(context, plan, 0, after, BodyWriter.DefaultChunk, TimeSpan.Zero).ConfigureAwait(false);
            await BodyWriter.FlushAsync(context, context.RequestAborted).ConfigureAwait(false);
            await Task.Delay(DrainPause, context.RequestAborted).ConfigureAwait(false);

            // Leave before the client learns of the failure, since it may retry at once.
            RequestScope.Leave(context);
            EndConnection(context, reset);
            context.Abort();
        }

        /// <summary>
        /// Kestrel's own abort may end the connection either way, so the socket is ended directly:
        /// a zero-linger close for an RST (/reset), or a send shutdown for an orderly FIN that
        /// arrives before Content-Length is reached (/truncate). Abort then tidies up Kestrel's side.
        /// </summary>
        private static void EndConnection(HttpContext context, bool reset)
        {
            var socket = context.Features.Get<IConnectionSocketFeature>()?.Socket;
            if (socket == null)
            {
                return;
            }
            try
            {
                if (reset)
                {
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                }
                else
                {
                    socket.Shutdown(SocketShutdown.Send);
                }
            }
            catch (SocketException)
            {
                // Already gone; Abort still ends the request.
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
