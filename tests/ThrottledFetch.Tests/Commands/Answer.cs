using System.Management.Automation;

namespace ThrottledFetch.Tests.Commands
{
    /// <summary>Reads what Invoke-ThrottledRequest wrote (parsed bodies, response objects) through PowerShell's own view of it.</summary>
    internal static class Answer
    {
        /// <summary>A property of a PowerShell object (a JSON object's member, a RequestResult's property), unwrapped.</summary>
        public static object? Get(object? value, string name)
        {
            var property = PSObject.AsPSObject(value!).Properties[name];
            var found = property?.Value;
            return found is PSObject wrapped && !(wrapped.BaseObject is PSCustomObject) ? wrapped.BaseObject : found;
        }

        public static string? Text(object? value, string name) => Get(value, name)?.ToString();

        public static bool IsResult(object? value) =>
            value != null && PSObject.AsPSObject(value).BaseObject.GetType().FullName == "ThrottledFetch.RequestResult";
    }
}
