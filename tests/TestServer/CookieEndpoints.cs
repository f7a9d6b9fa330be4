using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ThrottledFetch.Testing
{
    /// <summary>/cookie/{cookie}/{value}/{size}: sets a cookie (Path=/) and serves test content, so a client that keeps cookies sends it back on later requests.</summary>
    internal static class CookieEndpoints
    {
        public static void Map(IEndpointRouteBuilder routes) =>
            BasicEndpoints.Get(routes, "/cookie/{cookie}/{value}/{size}/{name?}", context =>
            {
                if (!RequestArgs.TryRouteLong(context, "size", out long size))
                {
                    return Reply.BadRequestAsync(context, "size must be a non-negative integer");
                }

                context.Response.Headers.Append("Set-Cookie", RequestArgs.Route(context, "cookie") + "=" + RequestArgs.Route(context, "value") + "; Path=/");
                return BasicEndpoints.ServeContentAsync(context, size);
            });
    }
}
