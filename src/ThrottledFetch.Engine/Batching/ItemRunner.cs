using System;
using System.Threading;
using System.Threading.Tasks;
using Polly;
using ThrottledFetch.Engine.Retry;

namespace ThrottledFetch.Engine.Batching
{
    /// <summary>
    /// The attempt loop every item of a batch goes through, whatever its handler: a slot at the session's
    /// gate for each attempt (held only while it talks to the server), the retry policy, the Retry-After
    /// pause of the host before the slot is freed, leaving the window while it waits, and the progress it shows.
    /// </summary>
    internal sealed class ItemRunner
    {
        private readonly HttpSession session;
        private readonly ItemWindow window;
        private readonly ResiliencePipeline<AttemptOutcome> retry;
        private readonly Action<AttemptState, bool> shown;

        /// <param name="shown">Posts that an item started talking to the server (true) or let go of its slot (false).</param>
        public ItemRunner(HttpSession session, ItemWindow window, Action<string> verbose, Action<AttemptState, bool> shown)
        {
            this.session = session;
            this.window = window;
            this.shown = shown;
            Verbose = verbose;
            retry = RetryPipeline.Create(session.Options, verbose, BeginWait);
        }

        public HttpSession Session => session;

        public TimeProvider Time => session.Time;

        /// <summary>Posts a diagnostic line to the caller.</summary>
        public Action<string> Verbose { get; }

        /// <summary>Runs attempts until one succeeds, fails for good, or the retries are spent.</summary>
        public async Task<AttemptOutcome> RunAsync<TState>(TState state, Func<TState, CancellationToken, Task<AttemptOutcome>> attempt, CancellationToken cancellationToken)
            where TState : AttemptState
        {
            var context = ResilienceContextPool.Shared.Get(cancellationToken);
            try
            {
                context.Properties.Set(RetryPipeline.Item, state);
                return await retry.ExecuteAsync(
                    async (ctx, item) =>
                    {
                        item.Attempts++;

                        // Held back by a Retry-After pause of its host, it waits out of the window, as in a backoff.
                        var acquiring = session.Gate.AcquireAsync(item.HostKey, ctx.CancellationToken, () => window.StartWaiting(item));
                        var granted = acquiring.IsCompleted;
                        using var lease = await acquiring.ConfigureAwait(false);
                        window.StopWaiting(item);
                        if (granted)
                        {
                            // A slot taken at once is taken on the caller's thread (the pipeline's, for new
                            // input): the attempt goes on in the pool, so that thread returns to its input.
                            await default(ThreadPoolHop);
                        }

                        item.FirstRequestAt ??= Time.GetTimestamp();

                        // Shown as active (a progress child) while it holds a slot, not while it queues or waits.
                        if (!item.Shown)
                        {
                            item.Shown = true;
                            shown(item, true);
                        }

                        var result = await attempt(item, ctx.CancellationToken).ConfigureAwait(false);

                        // Before this slot is freed, so no queued request to the host slips in: a Retry-After
                        // pause of the host, and what the answer teaches of its pace.
                        if (session.Gate.Answered(lease, result) is string paceChange)
                        {
                            Verbose(paceChange);
                        }

                        // Off the transfers before the slot is freed (at the end of this scope), so the item that
                        // gets it next is never shown beside this one.
                        Hide(item);
                        return result;
                    },
                    context,
                    state).ConfigureAwait(false);
            }
            finally
            {
                // Cancelled in a backoff or at the gate: the item ends from the window.
                window.StopWaiting(state);
                ResilienceContextPool.Shared.Return(context);
            }
        }

        /// <summary>
        /// The item waits for its next attempt (a backoff or a host pause): it leaves the window so new input
        /// keeps the slots busy, is no longer shown as a transfer, and lets go of what it need not hold.
        /// </summary>
        private void BeginWait(AttemptState item)
        {
            // Off the transfers first: a progress update never shows it as both a transfer and waiting.
            Hide(item);
            item.OnWait();
            window.StartWaiting(item);
        }

        private void Hide(AttemptState item)
        {
            if (item.Shown)
            {
                item.Shown = false;
                shown(item, false);
            }
        }
    }
}
