using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace ThrottledFetch.Tests.Commands
{
    /// <summary>What one pipeline wrote to each stream.</summary>
    public sealed class Run
    {
        public Run(PowerShell shell, IEnumerable<PSObject> output)
        {
            Output = output.ToList();
            Results = Output.Where(o => ResultView.Is(o)).Select(o => new ResultView(o)).ToList();
            Errors = shell.Streams.Error.ToList();
            Progress = shell.Streams.Progress.ToList();
            Verbose = shell.Streams.Verbose.Select(v => v.Message).ToList();
        }

        public List<PSObject> Output { get; }

        public List<ResultView> Results { get; }

        public List<ErrorRecord> Errors { get; }

        public List<ProgressRecord> Progress { get; }

        public List<string> Verbose { get; }

        /// <summary>Runs a script with the module imported; <paramref name="arguments"/> become $args.</summary>
        public static Run Script(ModuleHost host, string script, params object[] arguments)
        {
            using var shell = host.Create();
            shell.AddScript(script);
            foreach (var argument in arguments)
            {
                shell.AddArgument(argument);
            }

            var output = shell.Invoke();
            return new Run(shell, output);
        }
    }
}
