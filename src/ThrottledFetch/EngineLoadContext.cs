#if NET8_0_OR_GREATER
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace ThrottledFetch
{
    /// <summary>
    /// The module's private load context on PowerShell 7: the engine and the dependencies it ships
    /// (Polly.Core, System.Threading.RateLimiting) load here from bin/net8.0/deps, so another module's
    /// versions of them, loaded before or after, never meet ours. One per process, shared by every
    /// runspace, so a session passed to ForEach-Object -Parallel keeps its type identity. Whatever is not
    /// in deps (the framework, ThrottledFetch.Shared with the types PowerShell sees) comes from the
    /// default context.
    /// </summary>
    internal sealed class EngineLoadContext : AssemblyLoadContext
    {
        private readonly string folder;

        private EngineLoadContext(string folder)
            : base("ThrottledFetch", isCollectible: false)
        {
            this.folder = folder;
        }

        public static EngineLoadContext Instance { get; } = new EngineLoadContext(
            Path.Combine(Path.GetDirectoryName(typeof(EngineLoadContext).Assembly.Location) ?? string.Empty, "deps"));

        /// <summary>An assembly of the module's own, for the default context's Resolving event.</summary>
        public Assembly? ResolveEngine(AssemblyName name) =>
            name.Name == "ThrottledFetch.Engine" ? LoadFromAssemblyName(name) : null;

        protected override Assembly? Load(AssemblyName name)
        {
            var path = Path.Combine(folder, name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
#endif
