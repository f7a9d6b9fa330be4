#if !NET8_0_OR_GREATER
using System;
using System.IO;
using System.Reflection;

namespace ThrottledFetch
{
    /// <summary>
    /// The netstandard2.0 build's private load context when it runs on PowerShell 7 (CI loads it there so
    /// its code paths run on every change): netstandard2.0 has no AssemblyLoadContext type to derive from,
    /// so the context is made and hooked through reflection. Its dependencies (RateLimiting's netstandard2.0
    /// build wants a Microsoft.Bcl.AsyncInterfaces newer than the one pwsh holds) load from deps/ into it.
    /// </summary>
    internal static class ReflectedLoadContext
    {
        private static object? context;
        private static MethodInfo? loadFromPath;
        private static string folder = string.Empty;

        /// <summary>True when the runtime has load contexts (.NET Core) and the hooks are in place.</summary>
        public static bool TryRegister(string depsFolder)
        {
            var type = Type.GetType("System.Runtime.Loader.AssemblyLoadContext, System.Runtime.Loader", throwOnError: false)
                ?? typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext", throwOnError: false);
            var constructor = type?.GetConstructor(new[] { typeof(string), typeof(bool) });
            if (type == null || constructor == null)
            {
                return false;
            }

            folder = depsFolder;
            context = constructor.Invoke(new object[] { "ThrottledFetch", false });
            loadFromPath = type.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) });
            var resolving = type.GetEvent("Resolving")!;
            var handler = Delegate.CreateDelegate(resolving.EventHandlerType!, typeof(ReflectedLoadContext).GetMethod(nameof(Resolve), BindingFlags.NonPublic | BindingFlags.Static)!);

            // The default context asks for the engine (the cmdlets name it); the private one for what the engine needs.
            var defaultContext = type.GetProperty("Default")!.GetValue(null);
            resolving.AddEventHandler(defaultContext, handler);
            resolving.AddEventHandler(context, handler);
            return true;
        }

        private static Assembly? Resolve(object? requester, AssemblyName name)
        {
            var path = Path.Combine(folder, name.Name + ".dll");
            if (!File.Exists(path))
            {
                return null;
            }

            // From the default context only what the module's own default-context assemblies name is routed here:
            // the engine (the cmdlets name it) and TimeProvider's package (the shared types name it). The engine's
            // dependencies follow it in; another module's requests are never answered with ours.
            if (!ReferenceEquals(requester, context) && name.Name != "ThrottledFetch.Engine" && name.Name != "Microsoft.Bcl.TimeProvider")
            {
                return null;
            }

            return (Assembly)loadFromPath!.Invoke(context, new object[] { path })!;
        }
    }
}
#endif
