using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using ThrottledFetch.Engine;

namespace ThrottledFetch
{
    /// <summary>
    /// Tab completion of -Method with the standard HTTP methods. A completer, not a ValidateSet: any method an
    /// API defines (PURGE, PROPFIND) must still be accepted.
    /// </summary>
    public sealed class HttpMethodCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
            foreach (var method in HttpMethods.Standard)
            {
                if (method.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                {
                    yield return new CompletionResult(method, method, CompletionResultType.ParameterValue, "HTTP " + method);
                }
            }
        }
    }
}
