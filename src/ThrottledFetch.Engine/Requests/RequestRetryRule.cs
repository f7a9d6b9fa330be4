using System;
using System.Net.Sockets;
using ThrottledFetch.Engine.Retry;

namespace ThrottledFetch.Engine.Requests
{
    /// <summary>
    /// Which failed attempts of a call may be repeated. An idempotent method (GET, PUT, DELETE...) may be
    /// repeated on every transient failure. A POST, a PATCH or an unknown method may already have acted when an
    /// attempt fails after it was sent (a 503, a timeout, a reset): repeating it could create an order twice. So
    /// it is repeated only where the request surely did not reach the server: the connection was refused or not
    /// made within the connect timeout, or the host name did not resolve, or the server answered 429 or 503 with
    /// Retry-After (it refused the request and said when to come back). The user may opt in to repeating it on
    /// every transient failure.
    /// </summary>
    internal static class RequestRetryRule
    {
        /// <summary>The outcome as the retry policy should see it: a transient failure that may not be repeated is made final.</summary>
        public static AttemptOutcome Apply(RequestItem item, RequestOptions options, AttemptOutcome outcome, bool notSent, Action<string> verbose)
        {
            if (outcome.Succeeded || !outcome.Transient || notSent || options.RetryNonIdempotent || HttpMethods.IsIdempotent(item.Method))
            {
                return outcome;
            }

            verbose($"'{item.Uri}' is not retried: the {item.Method} may have reached the server.");
            return AttemptOutcome.Failure(outcome.Error!, transient: false);
        }

        /// <summary>The server refused the request and said when to come back: it did not act on it.</summary>
        public static bool Refused(int status, TimeSpan? retryAfter) => (status == 429 || status == 503) && retryAfter != null;

        /// <summary>The failure happened before any connection to the server existed.</summary>
        public static bool NeverConnected(Exception e)
        {
            for (var inner = e; inner != null; inner = inner.InnerException)
            {
                if (inner is SocketException socket)
                {
                    switch (socket.SocketErrorCode)
                    {
                        case SocketError.ConnectionRefused:
                        case SocketError.HostNotFound:
                        case SocketError.NoData:
                        case SocketError.TryAgain:
                            return true;
                    }
                }
            }

            return false;
        }
    }
}
