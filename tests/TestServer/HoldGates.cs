using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// One gate per /hold key. Release opens the gate for good, so requests for that key that
    /// arrive later pass straight through.
    /// </summary>
    internal sealed class HoldGates
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource> gates = new();

        public void Release(string key) => Gate(key).TrySetResult();

        public Task WaitAsync(string key, CancellationToken cancellation) =>
            Gate(key).Task.WaitAsync(cancellation);

        private TaskCompletionSource Gate(string key) =>
            gates.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
