using System.Threading.Tasks;
using ThrottledFetch.Testing;

namespace ThrottledFetch.Engine.Tests.Batch
{
    /// <summary>
    /// Starts a loopback server and runs one tiny download through the engine, so that tests which time
    /// something in real time (a 1 s stall, a 1 s pause) do not also time the process's first JIT of the
    /// HTTP stack while other test classes start up on two cores.
    /// </summary>
    internal static class WarmServer
    {
        public static async Task<LoopbackServer> StartAsync()
        {
            var server = await LoopbackServer.StartAsync();
            using (var scratch = new TempFolder())
            {
                await BatchRunner.Start(BatchRunner.Options(scratch.Path), new DownloadRequest(server.Url("bytes/10/warm.bin")));
            }

            server.ResetCounters();
            return server;
        }
    }
}
