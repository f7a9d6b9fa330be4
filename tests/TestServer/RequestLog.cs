using System;
using System.Collections.Generic;

namespace ThrottledFetch.Testing
{
    /// <summary>The recorded (non-control) requests in arrival order.</summary>
    internal sealed class RequestLog
    {
        private readonly object gate = new();
        private readonly List<RecordedRequest> requests = new();
        private readonly ChangeSignal signal;

        public RequestLog(ChangeSignal signal)
        {
            this.signal = signal;
        }

        public void Add(RecordedRequest request)
        {
            lock (gate)
            {
                this.requests.Add(request);
            }
            this.signal.Pulse();
        }

        public IReadOnlyList<RecordedRequest> Snapshot()
        {
            lock (gate)
            {
                return this.requests.ToArray();
            }
        }

        public IReadOnlyList<RecordedRequest> Snapshot(string pathPrefix)
        {
            lock (gate)
            {
                return this.requests.FindAll(r => r.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).ToArray();
            }
        }

        public int Count(string pathPrefix)
        {
            lock (gate)
            {
                int count = 0;
                foreach (var request in this.requests)
                {
                    if (request.Path.StartsWith(pathPrefix, StringComparison.Ordinal))
                    {
                        count++;
                    }
                }
                return count;
            }
        }

        public void Clear()
        {
            lock (gate)
            {
                this.requests.Clear();
            }
            this.signal.Pulse();
        }
    }
}
