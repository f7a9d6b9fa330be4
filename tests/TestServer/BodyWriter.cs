using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// Writes slices of a planned body in chunks. Before the chunk holding the body's last byte it
    /// leaves the in-flight count, so by the time the client sees the end the counter has dropped.
    /// </summary>
    internal static class BodyWriter
    {
        public const int DefaultChunk = 16 * 1024;

        /// <summary>Writes the whole planned body.</summary>
        public static Task WriteAllAsync(HttpContext context, BodyPlan plan) =>
            WriteAsync(context, plan, 0, plan.Length, DefaultChunk, TimeSpan.Zero);

        /// <summary>
        /// Writes <paramref name="count"/> body bytes starting <paramref name="skip"/> bytes into the body.
        /// With a positive interval it waits that long before each chunk (a slow, steady body).
        /// </summary>
        public static async Task WriteAsync(
            HttpContext context, BodyPlan plan, long skip, long count, int chunkSize, TimeSpan interval)
        {
            var cancellation = context.RequestAborted;
            long end = skip + count;
            if (count <= 0)
            {
                // An empty tail ends when the handler returns; the tracking middleware leaves then.
                return;
            }

            var buffer = new byte[(int)Math.Min(Math.Max(1, chunkSize), count)];
            long position = skip;
            while (position < end)
            {
                if (interval > TimeSpan.Zero)
                {
                    await Task.Delay(interval, cancellation).ConfigureAwait(false);
                }

                int size = (int)Math.Min(buffer.Length, end - position);
                TestContent.Fill(buffer.AsSpan(0, size), plan.Start + position, plan.Seed);
                if (position + size >= plan.Length)
                {
                    RequestScope.Leave(context);
                }
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, size), cancellation).ConfigureAwait(false);
                position += size;
            }
        }

        /// <summary>Sends headers (and anything buffered) now, even when no body byte has been written.</summary>
        public static Task FlushAsync(HttpContext context, CancellationToken cancellation) =>
            context.Response.Body.FlushAsync(cancellation);
    }
}
