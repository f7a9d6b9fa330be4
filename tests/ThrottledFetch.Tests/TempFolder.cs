using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ThrottledFetch.Tests
{
    /// <summary>A fresh folder per test, removed afterwards.</summary>
    public sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tf-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        /// <summary>Every file below the folder, as paths relative to it.</summary>
        public string[] Files() =>
            Directory.Exists(Path)
                ? Directory.GetFiles(Path, "*", SearchOption.AllDirectories).Select(f => System.IO.Path.GetRelativePath(Path, f)).OrderBy(f => f, StringComparer.Ordinal).ToArray()
                : Array.Empty<string>();

        /// <summary>
        /// Completes when <paramref name="condition"/> holds for the folder's files, re-checked on every
        /// file-system event (no polling loop); throws <see cref="TimeoutException"/> after the timeout.
        /// </summary>
        public async Task WaitForAsync(Func<string[], bool> condition, TimeSpan timeout)
        {
            using var changed = new SemaphoreSlim(0);
            using var watcher = new FileSystemWatcher(Path) { IncludeSubdirectories = true };
            watcher.Created += (_, _) => changed.Release();
            watcher.Changed += (_, _) => changed.Release();
            watcher.Renamed += (_, _) => changed.Release();
            watcher.EnableRaisingEvents = true;
            var deadline = DateTime.UtcNow + timeout;
            while (!condition(Files()))
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !await changed.WaitAsync(left))
                {
                    throw new TimeoutException($"The folder did not reach the expected state; it holds: {string.Join(", ", Files())}");
                }
            }
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
