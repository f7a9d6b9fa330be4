using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;

namespace ThrottledFetch.Testing;

/// <summary>
/// One token bucket per /limited key, as a rate-limiting server keeps one per client: it holds up to
/// {burst} tokens, refills {rate} per second by real time, and each request served takes one. The
/// first request for a key sets its rate and burst and finds the bucket full. Counts the refusals.
/// </summary>
internal sealed class RateLimits
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new();
    private int _refused;

    /// <summary>Requests refused for the rate since the last reset.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Takes a token from the key's bucket; false (and counted) when there is none.</summary>
    public bool TryTake(string key, double rate, int burst)
    {
        var bucket = _buckets.GetOrAdd(key, _ => new Bucket(rate, burst));
        if (bucket.TryTake())
        {
            return true;
        }

        Interlocked.Increment(ref _refused);
        return false;
    }

    public void Clear()
    {
        _buckets.Clear();
        Interlocked.Exchange(ref _refused, 0);
    }

    private sealed class Bucket
    {
        private readonly object _gate = new();
        private readonly double _rate;
        private readonly double _burst;
        private double _tokens;
        private long _refilledAt = Stopwatch.GetTimestamp();

        public Bucket(double rate, int burst)
        {
            _rate = rate;
            _burst = Math.Max(1, burst);
            _tokens = _burst;
        }

        public bool TryTake()
        {
            lock (_gate)
            {
                var now = Stopwatch.GetTimestamp();
                _tokens = Math.Min(_burst, _tokens + (_rate * (now - _refilledAt) / Stopwatch.Frequency));
                _refilledAt = now;
                if (_tokens < 1)
                {
                    return false;
                }

                _tokens -= 1;
                return true;
            }
        }
    }
}
