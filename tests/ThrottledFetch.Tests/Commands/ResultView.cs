using System;
using System.Management.Automation;

namespace ThrottledFetch.Tests.Commands
{
    /// <summary>
    /// A DownloadResult read through PowerShell's own view of it: the tests do not load the module's
    /// assemblies themselves, so the module loads exactly as it does for a user.
    /// </summary>
    public sealed class ResultView
    {
        public ResultView(object value)
        {
            var item = PSObject.AsPSObject(value);
            TypeName = item.BaseObject.GetType().FullName!;
            Input = item.Properties["Input"].Value as string;
            Uri = item.Properties["Uri"].Value as Uri;
            Path = item.Properties["Path"].Value as string;
            Status = item.Properties["Status"].Value?.ToString() ?? string.Empty;
            StatusCode = item.Properties["StatusCode"].Value as int?;
            Length = (long)item.Properties["Length"].Value;
            Attempts = (int)item.Properties["Attempts"].Value;
            Duration = (TimeSpan)item.Properties["Duration"].Value;
            Error = item.Properties["Error"].Value as string;
        }

        public string TypeName { get; }

        public string? Input { get; }

        public Uri? Uri { get; }

        public string? Path { get; }

        public string Status { get; }

        public int? StatusCode { get; }

        public long Length { get; }

        public int Attempts { get; }

        public TimeSpan Duration { get; }

        public string? Error { get; }

        public static bool Is(object? value) =>
            value != null && PSObject.AsPSObject(value).BaseObject.GetType().FullName == "ThrottledFetch.DownloadResult";
    }
}
