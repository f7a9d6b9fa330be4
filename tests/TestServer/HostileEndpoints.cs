using System.Globalization;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace ThrottledFetch.Testing
{
    /// <summary>/reason: answers with text a hostile server chooses (terminal escapes in the reason phrase or the body).</summary>
    internal static class HostileEndpoints
    {
        public static void Map(IEndpointRouteBuilder routes)
        {
            BasicEndpoints.Get(routes, "/reason/{code}", ReasonAsync);
        }

        /// <summary>Status {code} with the reason phrase ?phrase= (sent verbatim) and the body ?body=.</summary>
        private static Task ReasonAsync(HttpContext context)
        {
            if (!RequestArgs.TryRouteInt(context, "code", out int code) || code < 100 || code > 999)
            {
                return Reply.BadRequestAsync(context, "code must be an HTTP status code");
            }

            var body = RequestArgs.Query(context, "body") ?? "status " + code.ToString(CultureInfo.InvariantCulture);
            var phrase = RequestArgs.Query(context, "phrase");
            if (phrase != null)
            {
                context.Features.GetRequiredFeature<IHttpResponseFeature>().ReasonPhrase = phrase;
            }

            return Reply.TextAsync(context, code, body);
        }
    }
}
