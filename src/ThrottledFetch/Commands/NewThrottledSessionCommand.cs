using System.Management.Automation;
using System.Net;
using ThrottledFetch.Engine;

namespace ThrottledFetch.Commands
{
    /// <summary>
    /// Makes a session: the connection-level settings, one connection pool, one set of limits and Retry-After
    /// pauses, and (unless -NoCookies) a cookie container, for any number of commands, loops and runspaces to
    /// share through -Session. Sends nothing itself. The session lives until it is closed (Close-ThrottledSession
    /// or Dispose()); removing the module closes nothing, since another runspace may still be using it.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "ThrottledSession")]
    [OutputType(typeof(ThrottledSession))]
    public sealed class NewThrottledSessionCommand : ConnectionCommandBase
    {
        /// <summary>
        /// Keeps no cookies. By default a session keeps the cookies its responses set and sends them back (by the
        /// cookie rules, as a browser and Invoke-WebRequest's -WebSession do), so a login carries over.
        /// </summary>
        [Parameter]
        public SwitchParameter NoCookies { get; set; }

        protected override void EndProcessing()
        {
            CheckConnectionParameters();
            var options = CreateSessionOptions(HeadersGiven());
            options.Cookies = NoCookies ? null : new CookieContainer();
            WriteObject(new ThrottledSession(new HttpSession(options)));
        }
    }
}
