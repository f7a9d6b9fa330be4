using System.Threading;

namespace ThrottledFetch.Testing;

/// <summary>
/// Counts requests currently in flight, the highest count seen, and the total since the last reset.
/// Lock-free so counting adds no serialisation that could hide concurrency from the tests.
/// </summary>
internal sealed class InFlightCounter
{
    private readonly ChangeSignal _signal;
    private int _inFlight;
    private int _peak;
    private int _total;

    public InFlightCounter(ChangeSignal signal)
    {
        _signal = signal;
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    public int Peak => Volatile.Read(ref _peak);

    public int Total => Volatile.Read(ref _total);

    public void Enter()
    {
        Interlocked.Increment(ref _total);
        RaisePeak(Interlocked.Increment(ref _inFlight));
        _signal.Pulse();
    }

    public void Leave()
    {
        Interlocked.Decrement(ref _inFlight);
        _signal.Pulse();
    }

    /// <summary>
    /// Zeroes the total and restarts the peak from the requests still in flight
    /// (the peak can never be below the current count).
    /// </summary>
    public void Reset()
    {
        Volatile.Write(ref _total, 0);
        Volatile.Write(ref _peak, InFlight);
        // An Enter racing with the write above may have been overwritten; re-apply the current count.
        RaisePeak(InFlight);
        _signal.Pulse();
    }

    private void RaisePeak(int candidate)
    {
        int seen = Volatile.Read(ref _peak);
        while (candidate > seen)
        {
            int found = Interlocked.CompareExchange(ref _peak, candidate, seen);
            if (found == seen)
            {
                return;
            }
            seen = found;
        }
    }
}
