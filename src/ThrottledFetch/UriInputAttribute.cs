using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace ThrottledFetch
{
    /// <summary>
    /// Lets -Uri take System.Uri objects as well as strings, by turning each Uri into its original text.
    /// Everything else passes through untouched, so a row from Import-Csv still binds by property name
    /// and a malformed entry reaches the cmdlet, which reports it as a per-item error.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
    public sealed class UriInputAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = Unwrap(inputData);
            if (value is Uri uri)
            {
                return uri.OriginalString;
            }

            if (value is IEnumerable items && !(value is string) && !(value is IDictionary))
            {
                var texts = new List<object?>();
                var changed = false;
                foreach (var entry in items)
                {
                    var inner = Unwrap(entry);
                    if (inner is Uri innerUri)
                    {
                        texts.Add(innerUri.OriginalString);
                        changed = true;
                    }
                    else
                    {
                        texts.Add(entry);
                    }
                }

                return changed ? texts.ToArray() : inputData;
            }

            return inputData;
        }

        private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
    }
}
