using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ThrottledFetch.Testing
{
    /// <summary>A fresh destination folder per test (inside a parent, so escapes are visible), removed afterwards. Shared by both test projects.</summary>
    public sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tf-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Path = System.IO.Path.Combine(Root, "dest");
            Directory.CreateDirectory(Path);
        }

        /// <summary>The parent of <see cref="Path"/>; nothing but the destination may appear in it.</summary>
        public string Root { get; }

        /// <summary>The destination folder.</summary>
        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        /// <summary>Every file below <see cref="Root"/>, relative to the destination folder, sorted.</summary>
        public string[] Files() =>
            Directory.GetFiles(Root, "*", SearchOption.AllDirectories)
                .Select(f => System.IO.Path.GetRelativePath(Path, f))
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToArray();

        /// <summary>
        /// Completes when <paramref name="condition"/> holds, re-checked on every file-system event in the
        /// destination (no polling loop); throws <see cref="TimeoutException"/> after the timeout.
        /// </summary>
        public async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what)
        {
            using var changed = new SemaphoreSlim(0);
            using var watcher = new FileSystemWatcher(Path) { IncludeSubdirectories = true };
            watcher.NotifyFilter = NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.LastWrite;
            watcher.Created += (_, _) => changed.Release();
            watcher.Changed += (_, _) => changed.Release();
            watcher.Renamed += (_, _) => changed.Release();
            watcher.EnableRaisingEvents = true;
            var deadline = DateTime.UtcNow + timeout;
            while (!condition())
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !await changed.WaitAsync(left))
                {
                    if (condition())
                    {
                        return;
                    }

                    throw new TimeoutException($"Timed out waiting for {what}; the folder holds: {string.Join(", ", Files())}");
                }
            }
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
