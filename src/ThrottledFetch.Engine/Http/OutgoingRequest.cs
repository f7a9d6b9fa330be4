using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Headers;

namespace ThrottledFetch.Engine.Http
{
    /// <summary>
    /// What one attempt sends: the method, the URL, the body and the headers of this request (beside the
    /// session's). A handler builds it per attempt, so a download adds Range/If-Range and a request its body and Accept-Encoding.
    /// </summary>
    internal sealed class OutgoingRequest
    {
        public OutgoingRequest(HttpMethod method, Uri uri)
        {
            Method = method;
            Uri = uri;
        }

        public HttpMethod Method { get; }

        public Uri Uri { get; }

        /// <summary>The body's bytes, sent again on every redirect that keeps the method; null for none.</summary>
        public byte[]? Body { get; set; }

        public string? ContentType { get; set; }

        /// <summary>Headers of this request only; like the session's, they go only to the origin the user named.</summary>
        public IDictionary<string, string>? Headers { get; set; }

        /// <summary>
        /// The codings this request accepts (Accept-Encoding), sent to every hop of a redirect; null sends none, as a
        /// download does, so that servers send files as they are.
        /// </summary>
        public string? AcceptEncoding { get; set; }

        public RangeHeaderValue? Range { get; set; }

        public RangeConditionHeaderValue? IfRange { get; set; }
    }
}
