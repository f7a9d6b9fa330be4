using System;
using System.Globalization;
using System.Threading.Tasks;
using Polly;
using Polly.Retry;
using ThrottledFetch.Engine.Batching;

namespace ThrottledFetch.Engine.Retry
{
    /// <summary>
    /// The retry policy of a batch, built once from its options: which outcomes are retried, how long to
    /// back off, and Retry-After turned into a host-wide pause at the gate (so no worker sleeps holding a slot).
    /// </summary>
    internal static class RetryPipeline
    {
        public static readonly ResiliencePropertyKey<AttemptState> Item = new ResiliencePropertyKey<AttemptState>("ThrottledFetch.Item");

        /// <param name="waiting">
        /// Told when an item starts waiting for its next attempt (a backoff, or a Retry-After pause at the
        /// gate), so that it gives up its place in the batch's window until that attempt gets a slot.
        /// </param>
        public static ResiliencePipeline<AttemptOutcome> Create(SessionOptions options, Action<string> verbose, Action<AttemptState>? waiting = null)
        {
            var builder = new ResiliencePipelineBuilder<AttemptOutcome> { TimeProvider = options.TimeProvider };
            if (options.MaximumRetryCount <= 0)
            {
                return builder.Build();
            }

            return builder.AddRetry(new RetryStrategyOptions<AttemptOutcome>
            {
                MaxRetryAttempts = options.MaximumRetryCount,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.UseJitter,
                Delay = options.RetryInterval,
                MaxDelay = options.MaximumRetryDelay,
                ShouldHandle = args => new ValueTask<bool>(args.Outcome.Result?.Transient == true),
                // Retry-After already paused the whole host at the gate (see ItemRunner); the item then
                // queues there like any other instead of sleeping on its own.
                DelayGenerator = args => new ValueTask<TimeSpan?>(args.Outcome.Result?.RetryAfter != null ? TimeSpan.Zero : (TimeSpan?)null),
                OnRetry = args =>
                {
                    if (args.Context.Properties.TryGetValue(Item, out var item))
                    {
                        // Called after the failed attempt freed its slot and before the delay starts.
                        waiting?.Invoke(item);
                        verbose(Describe(item, args.Outcome.Result, args.AttemptNumber + 1, options.MaximumRetryCount, args.RetryDelay));
                    }

                    return default;
                },
            }).Build();
        }

        private static string Describe(AttemptState item, AttemptOutcome? outcome, int retry, int maximum, TimeSpan delay)
        {
            var what = outcome?.Error?.Message ?? "failed";
            var wait = outcome?.RetryAfter is TimeSpan asked
                ? string.Format(CultureInfo.InvariantCulture, "the server asked to wait {0:0.###} s; requests to {1} are held back", asked.TotalSeconds, item.HostKey)
                : string.Format(CultureInfo.InvariantCulture, "waiting {0:0.###} s", delay.TotalSeconds);
            return string.Format(CultureInfo.InvariantCulture, "Retry {0} of {1} for '{2}' after attempt {3}: {4}; {5}.", retry, maximum, item.Item.Uri, item.Attempts, what, wait);
        }
    }
}
