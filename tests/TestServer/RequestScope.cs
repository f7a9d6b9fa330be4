using System.Threading;
using Microsoft.AspNetCore.Http;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// Marks one counted request. Leave is idempotent: endpoints call it just before writing their
    /// final bytes (so a client that sees the end of a body and starts its next request never
    /// observes limit + 1), and the tracking middleware calls it again in a finally for every other
    /// way a request can end (errors, aborts, empty bodies).
    /// </summary>
    internal sealed class RequestScope
    {
        private static readonly object ItemKey = new();
        private readonly InFlightCounter counter;
        private int left;

        private RequestScope(InFlightCounter counter)
        {
            this.counter = counter;
        }

        public static RequestScope Enter(HttpContext context, InFlightCounter counter)
        {
            var scope = new RequestScope(counter);
            context.Items[ItemKey] = scope;
            counter.Enter();
            return scope;
        }

        /// <summary>Leaves the in-flight count for this request; does nothing for control requests or a second call.</summary>
        public static void Leave(HttpContext context)
        {
            if (context.Items.TryGetValue(ItemKey, out var value) && value is RequestScope scope)
            {
                scope.Leave();
            }
        }

        public void Leave()
        {
            if (Interlocked.Exchange(ref left, 1) == 0)
            {
                this.counter.Leave();
            }
        }
    }
}
