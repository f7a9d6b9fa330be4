using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using ThrottledFetch.Engine.Http;
using ThrottledFetch.Engine.Scheduling;
using ThrottledFetch.Engine.Session;

namespace ThrottledFetch.Engine
{
    /// <summary>
    /// One HTTP session: the connection pool (one HttpClient and handler), the gate that holds the limits,
    /// the rate and the Retry-After pauses, and the connection-level settings. Batches borrow it, so any
    /// number of batches and threads on one session together stay within its limits. Disposal is explicit:
    /// it stops every batch still running on the session, and nothing else (no batch, no module unload)
    /// disposes a session it did not make.
    /// </summary>
    public sealed class HttpSession : ISessionState
    {
        // Cancelled when the session closes; every batch on it is linked to it. Never disposed, so a batch
        // may still unregister from it after the close.
        private readonly CancellationTokenSource closing = new CancellationTokenSource();
        private int closed;

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
        public bool IsClosed => Volatile.Read(ref closed) != 0;

        public int InFlight => Gate.Active;

        public int Waiting => Gate.Waiting;

        public IReadOnlyList<PausedHost> PausedHosts
        {
            get
            {
                var paused = new List<PausedHost>();
                foreach (var host in Gate.PausedHosts())
                {
                    paused.Add(new PausedHost(host.Key, host.Value));
                }

                return paused;
            }
        }

        internal HttpClient Client { get; }

        internal ConnectionGate Gate { get; }

        internal RequestSender Sender { get; }

        internal TimeProvider Time => Options.TimeProvider;

        /// <summary>Cancelled when the session closes, so a batch still running on it stops.</summary>
        internal CancellationToken Closing => closing.Token;

        /// <summary>The engine session behind a session object.</summary>
        public static HttpSession Of(ThrottledSession session)
        {
            if (session == null)
            {
                throw new ArgumentNullException(nameof(session));
            }

            return session.State as HttpSession ?? throw new ArgumentException("The session was not made by ThrottledFetch.", nameof(session));
        }

        /// <summary>Throws when the session was closed, so new work on it fails clearly.</summary>
        internal void ThrowIfClosed()
        {
            if (IsClosed)
            {
                throw new ObjectDisposedException(nameof(HttpSession), "The session was closed; make a new one.");
            }
        }

        /// <summary>Stops every batch on the session, then closes its connections. Safe from any thread, and twice.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref closed, 1) != 0)
            {
                return;
            }

            // First, so that batches see a cancellation (and report nothing more) rather than a disposed client.
            closing.Cancel();
            Gate.Dispose();
            Client.Dispose();
        }
    }
}
