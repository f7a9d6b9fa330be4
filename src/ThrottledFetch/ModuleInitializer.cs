using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace ThrottledFetch
{
    /// <summary>
    /// Where the module's dependencies come from. PowerShell 7: the engine resolves into the module's
    /// private load context (<c>EngineLoadContext</c>), and with it Polly and RateLimiting, so they never
    /// load into the default context. Windows PowerShell 5.1 (.NET Framework) has no load contexts and no
    /// binding redirects for a module: there an AssemblyResolve hook, scoped to the module's own files,
    /// answers any version asked of them (Polly.Core asks for another Microsoft.Bcl.AsyncInterfaces than
    /// the one RateLimiting needs).
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly string Folder = Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? string.Empty, "deps");
        private static readonly object Gate = new object();
        private static bool hooked;

        private static bool IsNetFramework =>
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        public void OnImport() => Register();

        /// <summary>
        /// Hooks the resolution once per process (every runspace that imports the module shares the hook
        /// and the context). The root module calls it before PowerShell imports the cmdlets, because finding
        /// them loads their base class, whose type arguments live in the engine.
        /// </summary>
        public static void Register()
        {
            lock (Gate)
            {
                if (hooked)
                {
                    return;
                }

                hooked = true;
#if NET8_0_OR_GREATER
                System.Runtime.Loader.AssemblyLoadContext.Default.Resolving += (_, name) => EngineLoadContext.Instance.ResolveEngine(name);
#else
                if (IsNetFramework)
                {
                    AppDomain.CurrentDomain.AssemblyResolve += Resolve;
                }
                else
                {
                    ReflectedLoadContext.TryRegister(Folder);
                }
#endif
            }
        }

        // Keeps the hook and closes no session: Remove-Module in one runspace must not pull the engine or a
        // session from under another runspace of the process that still uses it. Sessions close only explicitly.
        public void OnRemove(PSModuleInfo module)
        {
        }

        private static Assembly? Resolve(object? sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name).Name;
            var path = Path.Combine(Folder, name + ".dll");
            return name != null && File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }
    }
}
