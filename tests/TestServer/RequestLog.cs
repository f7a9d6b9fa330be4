using System;
using System.Collections.Generic;

namespace ThrottledFetch.Testing;

/// <summary>The recorded (non-control) requests in arrival order.</summary>
internal sealed class RequestLog
{
    private readonly object _gate = new();
    private readonly List<RecordedRequest> _requests = new();
    private readonly ChangeSignal _signal;

    public RequestLog(ChangeSignal signal)
    {
        _signal = signal;
    }

    public void Add(RecordedRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }
        _signal.Pulse();
    }

    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_gate)
        {
            return _requests.ToArray();
        }
    }

    public IReadOnlyList<RecordedRequest> Snapshot(string pathPrefix)
    {
        lock (_gate)
        {
            return _requests.FindAll(r => r.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).ToArray();
        }
    }

    public int Count(string pathPrefix)
    {
        lock (_gate)
        {
            int count = 0;
            foreach (var request in _requests)
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
        lock (_gate)
        {
            _requests.Clear();
        }
        _signal.Pulse();
    }
}
