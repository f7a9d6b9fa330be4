using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Text;
using ThrottledFetch.Engine;

namespace ThrottledFetch
{
    /// <summary>
    /// -Body as Invoke-RestMethod sends it: a string as is (in the charset of -ContentType, else UTF-8), a byte
    /// array raw, a dictionary as a form (application/x-www-form-urlencoded), or for a GET in the query string;
    /// anything else as PowerShell converts it to a string. A POST without a content type is labelled a form, as
    /// Invoke-RestMethod labels it.
    /// </summary>
    internal sealed class RequestBody
    {
        private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        private RequestBody(byte[]? bytes, string? contentType, Uri uri)
        {
            Bytes = bytes;
            ContentType = contentType;
            Uri = uri;
        }

        public byte[]? Bytes { get; }

        /// <summary>The content type to send; null sends the one in -Headers, or none.</summary>
        public string? ContentType { get; }

        /// <summary>The address to call: a GET's dictionary body is added to its query.</summary>
        public Uri Uri { get; }

        /// <param name="headerContentType">A Content-Type given in -Headers, which a default must not override.</param>
        public static RequestBody Create(object? body, string method, string? contentType, string? headerContentType, Uri uri)
        {
            var value = body is PSObject wrapped ? wrapped.BaseObject : body;

            // An empty string is no body: a Body column left blank on some rows sends nothing for them.
            if (value == null || (value is string empty && empty.Length == 0))
            {
                return new RequestBody(null, null, uri);
            }

            var label = contentType ?? (headerContentType == null && method == "POST" ? FormBody.MediaType : null);
            if (value is IDictionary dictionary)
            {
                var form = FormBody.Encode(Pairs(dictionary));
                if (method == "GET")
                {
                    return new RequestBody(null, null, FormBody.AppendQuery(uri, form));
                }

                // URL-encoding leaves only ASCII.
                return new RequestBody(Encoding.ASCII.GetBytes(form), contentType ?? (headerContentType == null ? FormBody.MediaType : null), uri);
            }

            if (value is byte[] bytes)
            {
                return new RequestBody(bytes, label, uri);
            }

            var text = value as string ?? LanguagePrimitives.ConvertTo<string>(value);
            var encoding = Charset.Of(contentType ?? headerContentType) ?? Utf8;
            return new RequestBody(encoding.GetBytes(text), label, uri);
        }

        // A value that is a list (not a string) sends its name once per element, as browsers send a multiple choice.
        private static IEnumerable<KeyValuePair<string, string?>> Pairs(IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                var name = Text(entry.Key) ?? string.Empty;
                var value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
                if (value is IEnumerable list && !(value is string) && !(value is IDictionary))
                {
                    foreach (var element in list)
                    {
                        yield return new KeyValuePair<string, string?>(name, Text(element));
                    }

                    continue;
                }

                yield return new KeyValuePair<string, string?>(name, Text(value));
            }
        }

        private static string? Text(object? value) =>
            value == null ? null : (string)LanguagePrimitives.ConvertTo(value, typeof(string), CultureInfo.InvariantCulture);
    }
}
