using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// Exe mode for Pester tests and demo scripts:
    /// TestServer [--port N] [--url-file PATH] [--parent-pid PID].
    /// Runs until Ctrl+C / SIGTERM or until the parent process exits (stdin is not watched, since
    /// it may be /dev/null in CI).
    /// </summary>
    internal static class Program
    {
        private static readonly TimeSpan ParentPollInterval = TimeSpan.FromMilliseconds(500);

        public static async Task<int> Main(string[] args)
        {
            int port = 0;
            string? urlFile = null;
            int? parentPid = null;
            for (int i = 0; i < args.Length; i++)
            {
                string? value = i + 1 < args.Length ? args[i + 1] : null;
                switch (args[i])
                {
                    case "--port" when value != null && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p):
                        port = p;
                        i++;
                        break;
                    case "--url-file" when value != null:
                        urlFile = value;
                        i++;
                        break;
                    case "--parent-pid" when value != null && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid):
                        parentPid = pid;
                        i++;
                        break;
                    default:
                        Console.Error.WriteLine($"Unknown or incomplete argument '{args[i]}'.");
                        Console.Error.WriteLine("Usage: TestServer [--port N] [--url-file PATH] [--parent-pid PID]");
                        return 2;
                }
            }

            using var stop = new CancellationTokenSource();
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context, stop));
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context, stop));

            await using var server = await LoopbackServer.StartAsync(port).ConfigureAwait(false);
            string url = server.BaseUri.ToString();
            if (urlFile != null)
            {
                WriteAtomically(urlFile, url);
            }
            Console.Out.WriteLine("Listening on " + url);
            Console.Out.Flush();

            var waits = parentPid is int parent
                ? Task.WhenAny(WaitForExitAsync(parent, stop.Token), WaitForStopAsync(stop.Token))
                : WaitForStopAsync(stop.Token);
            await waits.ConfigureAwait(false);
            return 0;
        }

        private static void Stop(PosixSignalContext context, CancellationTokenSource stop)
        {
            // Keep the process alive long enough to shut the server down cleanly.
            context.Cancel = true;
            stop.Cancel();
        }

        private static async Task WaitForStopAsync(CancellationToken stop)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        private static async Task WaitForExitAsync(int pid, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested && IsRunning(pid))
            {
                try
                {
                    await Task.Delay(ParentPollInterval, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        private static bool IsRunning(int pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false; // no such process
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        // Readers poll for the file; a temp file plus rename means they never see it half written.
        private static void WriteAtomically(string path, string text)
        {
            string full = Path.GetFullPath(path);
            string temp = full + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
            File.WriteAllText(temp, text);
            File.Move(temp, full, overwrite: true);
        }
    }
}
