using System;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Reflection;

namespace ThrottledFetch
{
    /// <summary>
    /// JSON to objects exactly as the running edition's ConvertFrom-Json makes them (numbers stay numbers: Int64
    /// and Double on PowerShell 7, Int32, Decimal and Double on 5.1), so the module ships no JSON library of its
    /// own. Found through the host's ConvertFrom-Json cmdlet: its JsonObject.ConvertFromJson, the API that
    /// Invoke-RestMethod calls, or else the cmdlet itself. Runs on the pipeline thread only.
    /// </summary>
    internal sealed class JsonConversion
    {
        private readonly ConvertFromJson? api;
        private readonly CmdletInfo? command;

        private JsonConversion(ConvertFromJson? api, CmdletInfo? command)
        {
            this.api = api;
            this.command = command;
        }

        private delegate object? ConvertFromJson(string input, out ErrorRecord? error);

        /// <summary>The host has a converter (every real PowerShell does; a bare hosted engine may not).</summary>
        public bool IsAvailable => api != null || command != null;

        public static JsonConversion Find(PSCmdlet cmdlet)
        {
            // Loads Microsoft.PowerShell.Utility if it is not loaded yet, as any script's first ConvertFrom-Json does.
            var command = cmdlet.InvokeCommand.GetCommand("ConvertFrom-Json", CommandTypes.Cmdlet) as CmdletInfo;
            var method = command?.ImplementingType?.Assembly.GetType("Microsoft.PowerShell.Commands.JsonObject")?.GetMethod(
                "ConvertFromJson",
                BindingFlags.Public | BindingFlags.Static,
                null,
                new[] { typeof(string), typeof(ErrorRecord).MakeByRefType() },
                null);
            var api = method == null ? null : (ConvertFromJson?)Delegate.CreateDelegate(typeof(ConvertFromJson), method, throwOnBindFailure: false);
            return new JsonConversion(api, command);
        }

        /// <summary>The value of the JSON text (an object[] for a top-level array), or false and why not.</summary>
        public bool TryConvert(PSCmdlet cmdlet, string json, out object? value, out string? problem)
        {
            value = null;
            problem = null;
            try
            {
                if (api != null)
                {
                    value = api(json, out var error);
                    problem = error?.Exception?.Message;
                    return error == null;
                }

                if (command != null)
                {
                    return TryCommand(json, out value, out problem);
                }

                problem = "ConvertFrom-Json is not available in this PowerShell";
                return false;
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                // PowerShell 7 throws ArgumentException for text that is not JSON, 5.1 reports it in the error record.
                problem = e.Message;
                return false;
            }
        }

        private bool TryCommand(string json, out object? value, out string? problem)
        {
            using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
            shell.AddCommand(command).AddParameter("InputObject", json);
            if (command!.Parameters.ContainsKey("NoEnumerate"))
            {
                shell.AddParameter("NoEnumerate");
            }

            Collection<PSObject> output = shell.Invoke();
            problem = shell.Streams.Error.Count > 0 ? shell.Streams.Error[0].ToString() : null;
            if (output.Count == 1)
            {
                // -NoEnumerate hands a top-level array back whole, wrapped.
                value = output[0]?.BaseObject is object[] array ? array : output[0];
                return problem == null;
            }

            var items = new object?[output.Count];
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = output[i];
            }

            value = items;
            return problem == null;
        }
    }
}
