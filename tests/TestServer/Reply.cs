using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace ThrottledFetch.Testing
{
    /// <summary>Short non-content answers (errors, status-only responses).</summary>
    internal static class Reply
    {
        public static Task TextAsync(HttpContext context, int status, string text)
        {
            var response = context.Response;
            response.StatusCode = status;
            if (!AllowsBody(status))
            {
                // Nothing to write; the tracking middleware leaves when the handler returns.
                return Task.CompletedTask;
            }

            var body = Encoding.UTF8.GetBytes(text);
            response.ContentType = "text/plain; charset=utf-8";
            response.ContentLength = body.Length;
            // Leave before the body goes out so a client reacting to it never sees us still counting it.
            RequestScope.Leave(context);
            return response.Body.WriteAsync(body, 0, body.Length, context.RequestAborted);
        }

        public static Task BadRequestAsync(HttpContext context, string message) =>
            TextAsync(context, StatusCodes.Status400BadRequest, message);

        /// <summary>Kestrel refuses a body for 1xx, 204, 205 and 304.</summary>
        public static bool AllowsBody(int status) =>
            status >= 200 && status != 204 && status != 205 && status != 304;
    }
}
