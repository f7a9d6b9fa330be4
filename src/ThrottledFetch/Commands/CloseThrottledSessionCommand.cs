using System.Management.Automation;

namespace ThrottledFetch.Commands
{
    /// <summary>
    /// Closes sessions: their connections close, commands still running on them stop with a SessionClosed error,
    /// and later commands given them fail at once. Closing a closed session does nothing.
    /// </summary>
    [Cmdlet(VerbsCommon.Close, "ThrottledSession")]
    public sealed class CloseThrottledSessionCommand : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNull]
        public ThrottledSession[]? Session { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var session in Session!)
            {
                session?.Dispose();
            }
        }
    }
}
