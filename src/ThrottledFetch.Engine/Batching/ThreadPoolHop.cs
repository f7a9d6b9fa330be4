using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace ThrottledFetch.Engine.Batching
{
    /// <summary>
    /// Awaited, continues on a thread-pool thread. An item posted while a slot is free gets it at once, on the
    /// caller's thread; on PowerShell that is the pipeline thread, which also binds every input record. Sending
    /// the request from there would put the whole attempt on the one thread the input has to pass through.
    /// </summary>
    internal readonly struct ThreadPoolHop : ICriticalNotifyCompletion
    {
        private static readonly WaitCallback RunContinuation = state => ((Action)state!)();

        public ThreadPoolHop GetAwaiter() => this;

        public bool IsCompleted => false;

        public void GetResult()
        {
        }

        public void OnCompleted(Action continuation) => ThreadPool.QueueUserWorkItem(RunContinuation, continuation);

        public void UnsafeOnCompleted(Action continuation) => ThreadPool.UnsafeQueueUserWorkItem(RunContinuation, continuation);
    }
}
