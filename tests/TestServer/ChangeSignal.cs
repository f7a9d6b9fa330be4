using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// Wakes waiters whenever a counter changes, so tests wait for a condition without polling.
    /// Each pulse completes the current task and installs a fresh one.
    /// </summary>
    internal sealed class ChangeSignal
    {
        private TaskCompletionSource current = NewSource();

        public void Pulse()
        {
            var previous = Interlocked.Exchange(ref this.current, NewSource());
            previous.TrySetResult();
        }

        /// <summary>Completes once <paramref name="condition"/> is true; throws TimeoutException after the timeout.</summary>
        public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                // Take the task before checking, so a change between the check and the wait is not missed.
                var changed = Volatile.Read(ref this.current).Task;
                if (condition())
                {
                    return;
                }

                TimeSpan remaining = timeout == Timeout.InfiniteTimeSpan
                    ? Timeout.InfiniteTimeSpan
                    : timeout - clock.Elapsed;
                if (remaining != Timeout.InfiniteTimeSpan && remaining <= TimeSpan.Zero)
                {
                    throw new TimeoutException($"Timed out after {timeout}: {describe()}");
                }

                try
                {
                    await changed.WaitAsync(remaining).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    if (condition())
                    {
                        return;
                    }
                    throw new TimeoutException($"Timed out after {timeout}: {describe()}");
                }
            }
        }

        // Continuations run asynchronously so a pulse from a request thread never runs test code inline.
        private static TaskCompletionSource NewSource() =>
            new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
