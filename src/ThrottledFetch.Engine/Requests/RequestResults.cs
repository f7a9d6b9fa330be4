using System;

namespace ThrottledFetch.Engine.Requests
{
    /// <summary>Builds a call's <see cref="RequestResult"/> (a shared type, which knows nothing of the engine) from what the engine kept.</summary>
    internal static class RequestResults
    {
        public static RequestResult Of(RequestItem item, RequestStatus status, int? statusCode, ResponseSnapshot? response, int attempts, TimeSpan duration, string? error) =>
            new RequestResult(
                item.Input,
                item.InputObject,
                item.Method,
                item.Uri,
                status,
                statusCode,
                response?.FinalUri,
                response?.ContentType,
                response?.Headers,
                response?.Text,
                response?.Length ?? 0,
                attempts,
                duration,
                error);
    }
}
