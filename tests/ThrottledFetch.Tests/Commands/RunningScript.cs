using System;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using System.Threading.Tasks;

namespace ThrottledFetch.Tests.Commands
{
    /// <summary>
    /// A script running on a runspace of its own while the test goes on, so several pipelines can share a session
    /// at the same time. Every wait has a deadline: a hang fails the test instead of the run.
    /// </summary>
    public sealed class RunningScript : IDisposable
    {
        private readonly PSDataCollection<PSObject> output = new PSDataCollection<PSObject>();
        private readonly SemaphoreSlim verboseAdded = new SemaphoreSlim(0);
        private readonly IAsyncResult running;

        private RunningScript(Runspace runspace, string script, object[] arguments)
        {
            Shell = ModuleHost.Create(runspace);
            Shell.AddScript(script);
            foreach (var argument in arguments)
            {
                Shell.AddArgument(argument);
            }

            Shell.Streams.Verbose.DataAdded += (_, _) => verboseAdded.Release();
            var input = new PSDataCollection<PSObject>();
            input.Complete();
            running = Shell.BeginInvoke(input, output);
        }

        public PowerShell Shell { get; }

        /// <summary>Starts <paramref name="script"/> on <paramref name="runspace"/>; <paramref name="arguments"/> become $args.</summary>
        public static RunningScript Start(Runspace runspace, string script, params object[] arguments) =>
            new RunningScript(runspace, script, arguments);

        /// <summary>Waits for the script to end and returns what it wrote.</summary>
        public Run Wait(TimeSpan timeout)
        {
            if (!running.AsyncWaitHandle.WaitOne(timeout))
            {
                Shell.Stop();
                throw new TimeoutException($"The script did not end within {timeout.TotalSeconds:0} s; it wrote {output.Count} objects.");
            }

            Shell.EndInvoke(running);
            return new Run(Shell, output.ToList());
        }

        /// <summary>Stops the script as Ctrl+C does (returns once it has stopped).</summary>
        public void Stop() => Shell.Stop();

        /// <summary>Completes when a verbose record containing <paramref name="text"/> has been written.</summary>
        public async Task WaitForVerboseAsync(string text, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!Shell.Streams.Verbose.Any(v => v.Message.Contains(text, StringComparison.Ordinal)))
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !await verboseAdded.WaitAsync(left))
                {
                    throw new TimeoutException($"No verbose record with '{text}' within {timeout.TotalSeconds:0} s.");
                }
            }
        }

        public void Dispose()
        {
            if (!running.IsCompleted)
            {
                Shell.Stop();
            }

            Shell.Dispose();
            verboseAdded.Dispose();
        }
    }
}
