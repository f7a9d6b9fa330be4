using ThrottledFetch.Engine.Batching;

namespace ThrottledFetch.Engine.Requests
{
    /// <summary>What one call carries from attempt to attempt: the last response it got.</summary>
    internal sealed class RequestState : AttemptState
    {
        public RequestState(RequestItem request, TransferProgress progress)
            : base(request, progress)
        {
            Request = request;
        }

        public RequestItem Request { get; }

        /// <summary>The last attempt's response (an error body too); null before one came.</summary>
        public ResponseSnapshot? Response { get; set; }

        /// <summary>A call waiting for its next attempt keeps no body: thousands waiting cost no text.</summary>
        public override void OnWait() => Response = null;
    }
}
