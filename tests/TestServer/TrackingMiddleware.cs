using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// First in the pipeline: records each non-control request and counts it in flight until the
    /// endpoint leaves (just before its last body byte) or, failing that, until the handler ends.
    /// </summary>
    internal sealed class TrackingMiddleware
    {
        private readonly InFlightCounter counter;
        private readonly RequestLog log;
        private readonly CancellationToken stopping;

        public TrackingMiddleware(InFlightCounter counter, RequestLog log, CancellationToken stopping)
        {
            this.counter = counter;
            this.log = log;
            this.stopping = stopping;
        }

        public async Task InvokeAsync(HttpContext context, RequestDelegate next)
        {
            // Shutting down aborts every open request, so stalled and held handlers end promptly.
            using var stopRegistration = this.stopping.Register(static state => ((HttpContext)state!).Abort(), context);

            if (ControlEndpoints.IsControl(context))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            this.log.Add(Record(context));
            var scope = RequestScope.Enter(context, this.counter);
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception error) when (IsAbort(error, context))
            {
                // The client went away (or the server is stopping): nothing useful left to send.
                if (!context.Response.HasStarted)
                {
                    context.Abort();
                }
            }
            finally
            {
                // Covers errors, aborts and responses whose (empty) body goes out after the handler returns.
                scope.Leave();
            }
        }

        private static bool IsAbort(Exception error, HttpContext context) =>
            (error is OperationCanceledException || error is IOException)
            && context.RequestAborted.IsCancellationRequested;

        private static RecordedRequest Record(HttpContext context)
        {
            var request = context.Request;
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var header in request.Headers)
            {
                // StringValues.ToString joins with "," only; the documented form is ", ".
                headers[header.Key] = string.Join(", ", header.Value.ToArray());
            }
            return new RecordedRequest(
                request.Method,
                request.Path.Value ?? "",
                request.QueryString.Value ?? "",
                new ReadOnlyDictionary<string, string>(headers),
                DateTimeOffset.UtcNow,
                context.Connection.LocalPort);
        }
    }
}
