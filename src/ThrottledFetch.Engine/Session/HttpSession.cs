using System;
using System.Net.Http;
using ThrottledFetch.Engine.Http;
using ThrottledFetch.Engine.Scheduling;
using ThrottledFetch.Engine.Session;

namespace ThrottledFetch.Engine
{
    /// <summary>
    /// One HTTP session: the connection pool (one HttpClient and handler), the gate that holds the limits,
    /// the rate and the Retry-After pauses, and the connection-level settings. Batches borrow it, so any
    /// number of batches and threads on one session together stay within its limits. Disposal is explicit.
    /// </summary>
    public sealed class HttpSession : IDisposable
    {
        private volatile bool closed;

        public HttpSession(SessionOptions options)
        {
            Options = options ?? throw new ArgumentNullException(nameof(options));
            if (options.Limit < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(options), "Limit must be at least 1.");
            }

            Client = HttpClientSetup.Create(options);
            Gate = new ConnectionGate(options.Limit, options.LimitPerHost, options.RequestsPerSecond, options.TimeProvider, options.LearnRate);
            Sender = new RequestSender(Client, options);
        }

        public SessionOptions Options { get; }

        /// <summary>The session was disposed: its connections are closed and it takes no new work.</summary>
        public bool IsClosed => closed;

        internal HttpClient Client { get; }

        internal ConnectionGate Gate { get; }

        internal RequestSender Sender { get; }

        internal TimeProvider Time => Options.TimeProvider;

        /// <summary>Throws when the session was closed, so new work on it fails clearly.</summary>
        internal void ThrowIfClosed()
        {
            if (closed)
            {
                throw new ObjectDisposedException(nameof(HttpSession), "The session was closed; make a new one.");
            }
        }

        public void Dispose()
        {
            if (closed)
            {
                return;
            }

            closed = true;
            Gate.Dispose();
            Client.Dispose();
        }
    }
}
