using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// A host lifetime that does nothing. The default console lifetime would hook Ctrl+C/SIGTERM
    /// for every server a test starts; the exe handles signals itself instead.
    /// </summary>
    internal sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
