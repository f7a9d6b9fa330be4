using System.Globalization;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// /limited/{key}/{size}/{name?}?rate=N&amp;burst=B: a real rate limit. Requests a token bucket of the key
    /// admits (?rate= per second, default 10; ?burst=, default 5) get /bytes/{size}; above it they get ?code=
    /// (default 429) with Retry-After: ?seconds= (default 1), as nginx limit_req sends them.
    /// </summary>
    internal sealed class LimitedEndpoints
    {
        private readonly RateLimits limits;

        public LimitedEndpoints(RateLimits limits)
        {
            this.limits = limits;
        }

        public void Map(IEndpointRouteBuilder routes) =>
            BasicEndpoints.Get(routes, "/limited/{key}/{size}/{name?}", LimitedAsync);

        private Task LimitedAsync(HttpContext context)
        {
            if (!RequestArgs.TryRouteLong(context, "size", out long size))
            {
                return Reply.BadRequestAsync(context, "size must be a non-negative integer");
            }

            var key = RequestArgs.Route(context, "key") ?? "";
            var rate = double.TryParse(RequestArgs.Query(context, "rate"), NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r > 0 ? r : 10;
            var burst = RequestArgs.QueryInt(context, "burst", 5);
            if (this.limits.TryTake(key, rate, burst))
            {
                return BasicEndpoints.ServeContentAsync(context, size);
            }

            context.Response.Headers.RetryAfter = RequestArgs.QueryInt(context, "seconds", 1).ToString(CultureInfo.InvariantCulture);
            return Reply.TextAsync(context, RequestArgs.QueryInt(context, "code", StatusCodes.Status429TooManyRequests), "rate limited");
        }
    }
}
