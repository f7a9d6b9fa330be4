using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace ThrottledFetch
{
    /// <summary>
    /// Windows PowerShell 5.1 (.NET Framework) has no binding redirects for a module: Polly.Core asks for
    /// Microsoft.Bcl.AsyncInterfaces 6.0.0.0 while the module ships the version RateLimiting needs. On
    /// .NET Framework this resolves any of the module's own dependencies, whatever version is asked, from
    /// the module's folder. PowerShell 7 resolves them from there by itself, so nothing is hooked there.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly string Folder = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? string.Empty;

        private static bool IsNetFramework =>
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        public void OnImport()
        {
            if (IsNetFramework)
            {
                AppDomain.CurrentDomain.AssemblyResolve += Resolve;
            }
        }

        // Closes no session: Remove-Module in one runspace must not pull a session from under another runspace
        // of the process that still uses it (the assemblies stay loaded anyway). Sessions close only explicitly.
        public void OnRemove(PSModuleInfo module)
        {
            if (IsNetFramework)
            {
                AppDomain.CurrentDomain.AssemblyResolve -= Resolve;
            }
        }

        private static Assembly? Resolve(object? sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name).Name;
            var path = Path.Combine(Folder, name + ".dll");
            return name != null && File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }
    }
}
