using System.Net.Http;

namespace ThrottledFetch.Engine.Http
{
    /// <summary>Reads the file name a server suggests: filename* (RFC 5987) first, then filename.</summary>
    internal static class ContentDisposition
    {
        public static string? FileName(HttpResponseMessage response)
        {
            var header = response.Content.Headers.ContentDisposition;
            if (header == null)
            {
                return null;
            }

            var name = header.FileNameStar;
            if (string.IsNullOrEmpty(name))
            {
                name = header.FileName;
            }

            if (string.IsNullOrEmpty(name))
            {
                return null;
            }

            return name!.Trim().Trim('"');
        }
    }
}
