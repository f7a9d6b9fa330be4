using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;

namespace ThrottledFetch.Tests.Commands
{
    /// <summary>A ThrottledSession read through PowerShell's view of it (the tests never load the module's assemblies).</summary>
    public sealed class SessionView
    {
        public SessionView(PSObject session)
        {
            Object = session;
        }

        /// <summary>The session as New-ThrottledSession wrote it, to pass to other pipelines.</summary>
        public PSObject Object { get; }

        public int InFlight => (int)Object.Properties["InFlight"].Value;

        public int Waiting => (int)Object.Properties["Waiting"].Value;

        public bool IsClosed => (bool)Object.Properties["IsClosed"].Value;

        public string[] PausedHosts =>
            ((System.Collections.IEnumerable)Object.Properties["PausedHosts"].Value).Cast<object>()
                .Select(p => (string)PSObject.AsPSObject(p).Properties["Host"].Value).ToArray();

        /// <summary>
        /// Completes once <paramref name="condition"/> holds. The session raises no events, so its counters are read
        /// every 10 ms; only the deadline is time, nothing is asserted on it.
        /// </summary>
        public async Task WaitUntilAsync(Func<SessionView, bool> condition, TimeSpan timeout, string what)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!condition(this))
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Timed out waiting for {what}: {InFlight} in flight, {Waiting} waiting.");
                }

                await Task.Delay(10);
            }
        }
    }
}
