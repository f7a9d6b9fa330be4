using System;
using System.Collections.Generic;
using System.Net;
using System.Text;

namespace ThrottledFetch.Engine
{
    /// <summary>
    /// A dictionary body as Invoke-RestMethod sends one: name=value pairs joined by '&amp;', each side URL-encoded
    /// (spaces as '+'), as an application/x-www-form-urlencoded body, or for a GET in the query string.
    /// </summary>
    public static class FormBody
    {
        public const string MediaType = "application/x-www-form-urlencoded";

        /// <summary>The pairs in their order; a null value is sent as an empty one (name=).</summary>
        public static string Encode(IEnumerable<KeyValuePair<string, string?>> pairs)
        {
            var form = new StringBuilder();
            foreach (var pair in pairs)
            {
                if (form.Length > 0)
                {
                    form.Append('&');
                }

                form.Append(WebUtility.UrlEncode(pair.Key)).Append('=').Append(WebUtility.UrlEncode(pair.Value ?? string.Empty));
            }

            return form.ToString();
        }

        /// <summary>The address with the form added to its query, after what the query already holds.</summary>
        public static Uri AppendQuery(Uri uri, string form)
        {
            if (form.Length == 0)
            {
                return uri;
            }

            var builder = new UriBuilder(uri);
            var query = builder.Query.TrimStart('?');
            builder.Query = query.Length == 0 ? form : query + "&" + form;
            return builder.Uri;
        }
    }
}
