using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// /_control/...: lets out-of-process tests (Pester, demo scripts) read and reset the counters.
    /// These requests are neither counted nor recorded.
    /// </summary>
    internal sealed class ControlEndpoints
    {
        public const string Prefix = "/_control";

        private readonly LoopbackServer server;

        public ControlEndpoints(LoopbackServer server)
        {
            this.server = server;
        }

        public static bool IsControl(HttpContext context) => context.Request.Path.StartsWithSegments(Prefix);

        public void Map(IEndpointRouteBuilder routes)
        {
            BasicEndpoints.Get(routes, Prefix + "/stats", StatsAsync);
            BasicEndpoints.Get(routes, Prefix + "/reset", ResetAsync);
            BasicEndpoints.Get(routes, Prefix + "/requests", RequestsAsync);
            BasicEndpoints.Get(routes, Prefix + "/release/{key}", ReleaseAsync);
            BasicEndpoints.Get(routes, Prefix + "/version/{key}/{version}", VersionAsync);
        }

        private static Task VersionAsync(HttpContext context)
        {
            ContentVersions.Set(RequestArgs.Route(context, "key") ?? "", RequestArgs.TryRouteLong(context, "version", out long version) ? (int)version : 1);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }

        private Task StatsAsync(HttpContext context) =>
            JsonAsync(context, json =>
            {
                json.WriteStartObject();
                json.WriteNumber("inFlight", this.server.InFlight);
                json.WriteNumber("peakInFlight", this.server.PeakInFlight);
                json.WriteNumber("totalRequests", this.server.TotalRequests);
                json.WriteEndObject();
            });

        private Task ResetAsync(HttpContext context)
        {
            this.server.ResetCounters();
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }

        private Task RequestsAsync(HttpContext context)
        {
            var requests = this.server.RequestsWithPrefix(RequestArgs.Query(context, "prefix") ?? "");
            return JsonAsync(context, json =>
            {
                json.WriteStartArray();
                foreach (var request in requests)
                {
                    json.WriteStartObject();
                    json.WriteString("method", request.Method);
                    json.WriteString("path", request.Path);
                    json.WriteString("query", request.Query);
                    json.WriteStartObject("headers");
                    foreach (var header in request.Headers)
                    {
                        json.WriteString(header.Key, header.Value);
                    }
                    json.WriteEndObject();
                    json.WriteNumber("port", request.Port);
                    json.WriteString("arrivedAt", request.ArrivedAt);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            });
        }

        private Task ReleaseAsync(HttpContext context)
        {
            this.server.Release(RequestArgs.Route(context, "key") ?? "");
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }

        private delegate void JsonBody(Utf8JsonWriter json);

        private static Task JsonAsync(HttpContext context, JsonBody write)
        {
            var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                write(json);
            }
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.ContentLength = buffer.Length;
            return context.Response.Body.WriteAsync(buffer.GetBuffer(), 0, (int)buffer.Length, context.RequestAborted);
        }
    }
}
