using System;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;

namespace ThrottledFetch.Tests
{
    /// <summary>
    /// A real PowerShell engine (the System.Management.Automation package) with the built module imported by its
    /// manifest from output/ThrottledFetch, as a user would import it.
    /// </summary>
    public sealed class ModuleHost : IDisposable
    {
        public ModuleHost()
        {
            // The loopback server shares this process, and a test blocks a pool thread while its pipeline
            // runs: make sure the server and the module's workers never wait for thread-pool growth.
            ThreadPool.GetMinThreads(out var workers, out var io);
            ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));

            ManifestPath = Path.Combine(RepoRoot(), "output", "ThrottledFetch", "ThrottledFetch.psd1");
            if (!File.Exists(ManifestPath))
            {
                throw new InvalidOperationException($"Build the solution first: {ManifestPath} is missing.");
            }

            Runspace = OpenRunspace();
        }

        public string ManifestPath { get; }

        public Runspace Runspace { get; }

        /// <summary>A new pipeline on the shared runspace.</summary>
        public PowerShell Create()
        {
            var shell = PowerShell.Create();
            shell.Runspace = Runspace;
            return shell;
        }

        /// <summary>A new pipeline on <paramref name="runspace"/> (one of <see cref="OpenRunspace"/>'s).</summary>
        public static PowerShell Create(Runspace runspace)
        {
            var shell = PowerShell.Create();
            shell.Runspace = runspace;
            return shell;
        }

        /// <summary>
        /// Another runspace in this process with the module imported, for pipelines that run at the same time as
        /// those on <see cref="Runspace"/> (a runspace runs one at a time). The caller disposes it.
        /// </summary>
        public Runspace OpenRunspace()
        {
            var state = InitialSessionState.CreateDefault2();

            // ConvertFrom-Json and the other utility cmdlets, which every real PowerShell has and the engine package
            // lacks: Invoke-ThrottledRequest parses JSON with the host's own converter.
            var utility = typeof(Microsoft.PowerShell.Commands.ConvertFromJsonCommand).Assembly.Location;
            state.ImportPSModule(new[] { utility, ManifestPath });
            var runspace = RunspaceFactory.CreateRunspace(state);
            runspace.Open();
            return runspace;
        }

        public void Dispose() => Runspace.Dispose();

        private static string RepoRoot()
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder != null && !File.Exists(Path.Combine(folder.FullName, "ThrottledFetch.sln")))
            {
                folder = folder.Parent;
            }

            return folder?.FullName ?? throw new InvalidOperationException("ThrottledFetch.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
