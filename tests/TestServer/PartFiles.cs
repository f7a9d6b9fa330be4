using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// The names the module's contract gives to what a download leaves while it runs (DESIGN.md, "File names
    /// and existing files"): "&lt;planned name&gt;.&lt;8 hex of SHA-256 of the URL&gt;.part" and its ".validator".
    /// </summary>
    public static class PartFiles
    {
        public static string Of(string plannedPath, Uri url) =>
            plannedPath + "." + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(url.AbsoluteUri)), 0, 4).ToLowerInvariant() + ".part";

        public static string ValidatorOf(string plannedPath, Uri url) => Of(plannedPath, url) + ".validator";

        /// <summary>Leaves a part file as an interrupted -Resume run would: the bytes, and what identifies their version.</summary>
        public static string Leave(string plannedPath, Uri url, byte[] bytes, string? ifRange, long? totalLength)
        {
            var part = Of(plannedPath, url);
            File.WriteAllBytes(part, bytes);
            var text = (ifRange != null ? "if-range: " + ifRange + "\n" : string.Empty) + (totalLength != null ? "length: " + totalLength + "\n" : string.Empty);
            File.WriteAllText(part + ".validator", text);
            return part;
        }
    }
}
