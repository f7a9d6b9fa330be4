using System;

namespace ThrottledFetch.Engine
{
    /// <summary>One API call of a batch as the caller gave it: the URL, the method, the body and the pipeline input it came from.</summary>
    public sealed class RequestItem : BatchItem
    {
        public RequestItem(Uri uri, string method, byte[]? body = null, string? contentType = null, object? inputObject = null, string? input = null)
            : base(uri, input)
        {
            Method = string.IsNullOrEmpty(method) ? throw new ArgumentException("A method is required.", nameof(method)) : method;
            Body = body;
            ContentType = contentType;
            InputObject = inputObject;
        }

        /// <summary>The HTTP method as it is sent (standard methods in upper case, see <see cref="HttpMethods.Normalize"/>).</summary>
        public string Method { get; }

        /// <summary>The body's bytes, or null for none.</summary>
        public byte[]? Body { get; }

        /// <summary>The body's media type (Content-Type), or null to send none beside the session's headers.</summary>
        public string? ContentType { get; }

        /// <summary>The pipeline input object, handed back in the result so answers can be joined to inputs.</summary>
        public object? InputObject { get; }
    }
}
