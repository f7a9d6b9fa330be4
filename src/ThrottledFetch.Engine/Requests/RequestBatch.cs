using ThrottledFetch.Engine.Requests;

namespace ThrottledFetch.Engine
{
    /// <summary>One invocation's API calls: a <see cref="Batch{TItem, TResult}"/> with the request handler.</summary>
    public sealed class RequestBatch : Batch<RequestItem, RequestResult>
    {
        /// <summary>A batch on a session it borrows (shared with other batches; the caller disposes it).</summary>
        public RequestBatch(HttpSession session, RequestOptions options)
            : this(session, options, ownsSession: false)
        {
        }

        /// <summary>A batch on a session of its own, closed with the batch.</summary>
        public RequestBatch(SessionOptions session, RequestOptions options)
            : this(new HttpSession(session), options, ownsSession: true)
        {
        }

        private RequestBatch(HttpSession session, RequestOptions options, bool ownsSession)
            : base(session, new RequestHandler(session, options), ownsSession)
        {
        }
    }
}
