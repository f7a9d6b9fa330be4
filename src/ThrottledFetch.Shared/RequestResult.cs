using System;
using System.Collections.Generic;

namespace ThrottledFetch
{
    /// <summary>
    /// One API call's outcome: what was asked, what came back and how long it took. The engine fills in the
    /// response as text; the cmdlet adds <see cref="Content"/>, the parsed body, on the pipeline thread.
    /// </summary>
    public sealed class RequestResult
    {
        public RequestResult(string input, object? inputObject, string method, Uri? uri, RequestStatus status, int? statusCode, Uri? finalUri, string? contentType, IReadOnlyDictionary<string, string>? headers, string? contentText, long length, int attempts, TimeSpan duration, string? error)
            : this(input, inputObject, method, uri, status, statusCode, attempts, duration, error)
        {
            FinalUri = finalUri;
            ContentType = contentType;
            Headers = headers;
            ContentText = contentText;
            Length = length;
        }

        private RequestResult(string input, object? inputObject, string method, Uri? uri, RequestStatus status, int? statusCode, int attempts, TimeSpan duration, string? error)
        {
            Input = input;
            InputObject = inputObject;
            Method = method;
            Uri = uri;
            Status = status;
            StatusCode = statusCode;
            Attempts = attempts;
            Duration = duration;
            Error = error;
        }

        /// <summary>The pipeline input as given (a line that was no URL is still named).</summary>
        public string Input { get; }

        /// <summary>The pipeline input object this call came from (a CSV row, an object with Uri and Body), for joining answers to inputs.</summary>
        public object? InputObject { get; }

        public string Method { get; }

        /// <summary>The requested address (a GET's dictionary body is in its query); null only when the input was not a valid URL.</summary>
        public Uri? Uri { get; }

        /// <summary>Where the answer came from after redirects; null when no response came.</summary>
        public Uri? FinalUri { get; }

        public RequestStatus Status { get; }

        /// <summary>The last HTTP status received; null when no response came.</summary>
        public int? StatusCode { get; }

        /// <summary>The response's Content-Type, as sent.</summary>
        public string? ContentType { get; }

        /// <summary>Response and content headers; names are case-insensitive, repeated values joined by ", ".</summary>
        public IReadOnlyDictionary<string, string>? Headers { get; }

        /// <summary>The body as text (decoded from its Content-Encoding and charset); for a failed call, the start of the error body.</summary>
        public string? ContentText { get; }

        /// <summary>The parsed body (JSON to objects, XML to XmlDocument, else the text), set by the cmdlet.</summary>
        public object? Content { get; set; }

        /// <summary>Bytes of the decoded body.</summary>
        public long Length { get; }

        public int Attempts { get; }

        /// <summary>From the first request (not the wait in the queue before it) to the end, retries included.</summary>
        public TimeSpan Duration { get; }

        /// <summary>Why the call failed; null unless <see cref="Status"/> is Failed.</summary>
        public string? Error { get; }

        /// <summary>A call that failed before any request: the input was no URL, or the call cannot be sent as given.</summary>
        public static RequestResult NotSent(string input, object? inputObject, string method, Uri? uri, string error) =>
            new RequestResult(input, inputObject, method, uri, RequestStatus.Failed, null, 0, TimeSpan.Zero, error);

        public override string ToString() => Method + " " + (Uri?.ToString() ?? Input);
    }
}
