using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ThrottledFetch.Engine.Retry;

namespace ThrottledFetch.Engine.Scheduling
{
    /// <summary>
    /// Grants request slots: at most <c>limit</c> in flight overall and <c>perHost</c> to one host,
    /// honouring a host-wide Retry-After pause and a per-host request rate: the one given, or the one
    /// learned from the host's refusals (see <see cref="HostPace"/>). Waiters queue in order; a waiter
    /// whose host is busy or paused holds nothing, so later waiters for other hosts go first.
    /// </summary>
    internal sealed class ConnectionGate : IDisposable
    {
        private readonly object sync = new object();
        private readonly int limit;
        private readonly int perHost;
        private readonly double requestsPerSecond;
        private readonly bool manualReplenishment;
        private readonly bool learnRate;
        private readonly TimeProvider time;
        private readonly Dictionary<string, HostState> hosts = new Dictionary<string, HostState>(StringComparer.Ordinal);
        private readonly LinkedList<Waiter> waiters = new LinkedList<Waiter>();
        private readonly List<ITimer> timers = new List<ITimer>();
        private int active;
        private bool disposed;

        /// <param name="learnRate">Pace a host that refuses requests for their rate (429, or 503 or 403 with Retry-After).</param>
        /// <param name="manualReplenishment">Tests only: the rate buckets never refill, so a second start to a host waits for good.</param>
        public ConnectionGate(int limit, int perHost, double requestsPerSecond, TimeProvider time, bool learnRate = false, bool manualReplenishment = false)
        {
            this.limit = limit;
            this.perHost = perHost > 0 ? Math.Min(perHost, limit) : limit;
            this.requestsPerSecond = requestsPerSecond;
            this.time = time;
            this.manualReplenishment = manualReplenishment;
            this.learnRate = learnRate;
        }

        public int Active
        {
            get { lock (sync) { return active; } }
        }

        public int Waiting
        {
            get { lock (sync) { return waiters.Count; } }
        }

        /// <summary>The hosts a Retry-After pause holds back now, with the end of each pause (for a session's view).</summary>
        public List<KeyValuePair<string, DateTimeOffset>> PausedHosts()
        {
            var paused = new List<KeyValuePair<string, DateTimeOffset>>();
            lock (sync)
            {
                var now = time.GetUtcNow();
                foreach (var host in hosts.Values)
                {
                    if (host.PausedUntil > now)
                    {
                        paused.Add(new KeyValuePair<string, DateTimeOffset>(host.Key, host.PausedUntil));
                    }
                }
            }

            return paused;
        }

        /// <param name="paused">
        /// Called once if this waiter is, or becomes, held back by a Retry-After pause of its host, so the
        /// caller can count it as waiting rather than queued. It runs under the gate's lock and before the
        /// lease is granted: it must be short and must not call the gate.
        /// </param>
        public ValueTask<GateLease> AcquireAsync(string hostKey, CancellationToken cancellationToken, Action? paused = null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Waiter waiter;
            List<Waiter>? granted;
            lock (sync)
            {
                var host = GetHost(hostKey);
                if (waiters.Count == 0 && TryTake(host))
                {
                    return new ValueTask<GateLease>(new GateLease(this, host, time.GetTimestamp()));
                }

                waiter = new Waiter(host) { Paused = paused };
                waiter.Node = waiters.AddLast(waiter);
                granted = Pump();
                if (waiter.Node != null && host.PausedUntil > time.GetUtcNow())
                {
                    TellPaused(waiter);
                }
            }

            Complete(granted);
            if (cancellationToken.CanBeCanceled && !waiter.Completion.Task.IsCompleted)
            {
                // Registered outside the lock (the callback takes it); kept only while the waiter still waits.
                var registration = cancellationToken.Register(() => Cancel(waiter, cancellationToken));
                lock (sync)
                {
                    if (waiter.Node != null)
                    {
                        waiter.Registration = registration;
                        registration = default;
                    }
                }

                registration.Dispose();
            }

            return new ValueTask<GateLease>(waiter.Completion.Task);
        }

        /// <summary>Holds back every new request to the host until <paramref name="until"/>.</summary>
        public void PauseHost(string hostKey, DateTimeOffset until)
        {
            List<Waiter>? granted;
            lock (sync)
            {
                var host = GetHost(hostKey);
                granted = Pause(host, until);
            }

            Complete(granted);
        }

        /// <summary>
        /// The attempt that holds <paramref name="lease"/> was answered: a transient failure with Retry-After
        /// pauses the host, with learning on the answer teaches the host's pace, and then the lease's slot is
        /// freed (disposing the lease later does nothing more), all at once, so no request queued for the host
        /// slips in before the pause or the new pace. Returns a line that says how the pace changed, or null.
        /// </summary>
        public string? Answered(GateLease lease, AttemptOutcome outcome)
        {
            List<Waiter>? granted;
            PaceChange? change;
            var host = lease.Host;
            var freed = lease.MarkReleased();
            lock (sync)
            {
                change = host.Pace?.Answered(lease.StartedAt, outcome);
                if (change != null)
                {
                    host.Rate.Set(change.RequestsPerSecond);
                }

                if (freed)
                {
                    active--;
                    host.Active--;
                }

                granted = outcome.RetryAfter is TimeSpan wait && outcome.Transient
                    ? Pause(host, time.GetUtcNow() + wait)
                    : Pump();
            }

            Complete(granted);
            return change?.Describe(host.Key);
        }

        /// <summary>The learned rate of the host, or null while it is not paced.</summary>
        internal double? PaceOf(string hostKey)
        {
            lock (sync)
            {
                return hosts.TryGetValue(hostKey, out var host) ? host.Pace?.RequestsPerSecond : null;
            }
        }

        /// <summary>The refill period of the host's rate limiter (given or learned), or null when its starts are not limited.</summary>
        internal TimeSpan? RatePeriodOf(string hostKey)
        {
            lock (sync)
            {
                return hosts.TryGetValue(hostKey, out var host) ? host.Rate.Period : null;
            }
        }

        /// <summary>Hosts paced now at a learned rate, for a progress display.</summary>
        public IReadOnlyList<PacedHost> PacedHosts()
        {
            var paced = new List<PacedHost>();
            lock (sync)
            {
                foreach (var host in hosts.Values)
                {
                    if (host.Pace?.RequestsPerSecond is double rate)
                    {
                        paced.Add(new PacedHost(host.Key, rate));
                    }
                }
            }

            return paced;
        }

        internal void Release(HostState host)
        {
            List<Waiter>? granted;
            lock (sync)
            {
                active--;
                host.Active--;
                granted = Pump();
            }

            Complete(granted);
        }

        public void Dispose()
        {
            lock (sync)
            {
                disposed = true;
                foreach (var timer in timers)
                {
                    timer.Dispose();
                }

                timers.Clear();
                foreach (var host in hosts.Values)
                {
                    host.Rate.Dispose();
                }
            }
        }

        private HostState GetHost(string key)
        {
            if (!hosts.TryGetValue(key, out var host))
            {
                HostState? created = null;
                var rate = new HostRate((limiter, acquired) => TokenArrived(created!, limiter, acquired), manualReplenishment);
                if (requestsPerSecond > 0)
                {
                    rate.Set(requestsPerSecond);
                }

                host = created = new HostState(key, rate, learnRate ? new HostPace(time, requestsPerSecond) : null);
                hosts.Add(key, host);
            }

            return host;
        }

        // Under the lock: the pause, and the waiters it now holds back told of it. Returns the grants to complete.
        private List<Waiter>? Pause(HostState host, DateTimeOffset until)
        {
            if (until > host.PausedUntil)
            {
                host.PausedUntil = until;
            }

            var granted = Pump();
            if (host.PausedUntil > time.GetUtcNow())
            {
                foreach (var waiter in waiters)
                {
                    if (waiter.Host == host)
                    {
                        TellPaused(waiter);
                    }
                }
            }

            return granted;
        }

        // Called under the lock: take slots for waiters in order while any can start. The waiters are
        // completed by Complete, after the lock is released: a completion may run continuations, and
        // disposing a cancellation registration waits for its callback, which takes the lock.
        private List<Waiter>? Pump()
        {
            List<Waiter>? granted = null;
            var node = waiters.First;
            while (node != null && active < limit)
            {
                var next = node.Next;
                var waiter = node.Value;
                if (TryTake(waiter.Host))
                {
                    waiters.Remove(node);
                    waiter.Node = null;
                    (granted ??= new List<Waiter>()).Add(waiter);
                }

                node = next;
            }

            return granted;
        }

        private void Complete(List<Waiter>? granted)
        {
            if (granted == null)
            {
                return;
            }

            foreach (var waiter in granted)
            {
                waiter.Registration.Dispose();
                var lease = new GateLease(this, waiter.Host, time.GetTimestamp());
                if (!waiter.Completion.TrySetResult(lease))
                {
                    // Cancelled in the meantime: give the slot back.
                    lease.Dispose();
                }
            }
        }

        // Under the lock: take a slot for the host if the global limit, the host limit,
        // a pause and the rate all allow it now.
        private bool TryTake(HostState host)
        {
            if (active >= limit || host.Active >= perHost)
            {
                return false;
            }

            var now = time.GetUtcNow();
            if (host.PausedUntil > now)
            {
                ScheduleWake(host, host.PausedUntil - now);
                return false;
            }

            if (!host.Rate.TryTake())
            {
                return false;
            }

            active++;
            host.Active++;
            return true;
        }

        // Off the lock: the host's limiter answered the gate's request for its next token.
        private void TokenArrived(HostState host, object limiter, bool acquired)
        {
            List<Waiter>? granted;
            lock (sync)
            {
                if (disposed || !host.Rate.Arrived(limiter, acquired))
                {
                    return;
                }

                granted = Pump();
                host.Rate.DropHeld();
            }

            Complete(granted);
        }

        private void ScheduleWake(HostState host, TimeSpan delay)
        {
            if (disposed)
            {
                return;
            }

            var at = time.GetUtcNow() + delay;
            if (host.WakeScheduledFor > time.GetUtcNow() && host.WakeScheduledFor <= at)
            {
                return;
            }

            host.WakeScheduledFor = at;
            ITimer? timer = null;
            timer = time.CreateTimer(
                _ =>
                {
                    List<Waiter>? granted;
                    lock (sync)
                    {
                        if (timer != null)
                        {
                            timers.Remove(timer);
                            timer.Dispose();
                        }

                        // A timer may fire a little before its time; forget it so Pump can arm a new one.
                        if (host.WakeScheduledFor == at)
                        {
                            host.WakeScheduledFor = default;
                        }

                        granted = Pump();
                    }

                    Complete(granted);
                },
                null,
                delay < TimeSpan.Zero ? TimeSpan.Zero : delay,
                Timeout.InfiniteTimeSpan);
            timers.Add(timer);
        }

        // Under the lock, while the waiter is still queued, so the caller hears of the pause before the grant.
        private static void TellPaused(Waiter waiter)
        {
            var paused = waiter.Paused;
            waiter.Paused = null;
            paused?.Invoke();
        }

        private void Cancel(Waiter waiter, CancellationToken token)
        {
            lock (sync)
            {
                if (waiter.Node != null)
                {
                    waiters.Remove(waiter.Node);
                    waiter.Node = null;
                }
            }

            waiter.Completion.TrySetCanceled(token);
        }

        private sealed class Waiter
        {
            public Waiter(HostState host)
            {
                Host = host;
            }

            public HostState Host { get; }

            public TaskCompletionSource<GateLease> Completion { get; } =
                new TaskCompletionSource<GateLease>(TaskCreationOptions.RunContinuationsAsynchronously);

            public LinkedListNode<Waiter>? Node { get; set; }

            /// <summary>Told once when a Retry-After pause of the host holds this waiter back.</summary>
            public Action? Paused { get; set; }

            public CancellationTokenRegistration Registration { get; set; }
        }
    }
}
