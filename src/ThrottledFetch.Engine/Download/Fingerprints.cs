using System;
using System.Security.Cryptography;
using System.Text;

namespace ThrottledFetch.Engine.Download
{
    /// <summary>
    /// Hashes for names and URLs. Fingerprints are the first 64 bits of SHA-256: a batch of a million
    /// items has about one chance in 10^7 of any two meeting by accident (FNV or string hash codes are
    /// easy to make meet on purpose, and a hostile list could then suppress an item).
    /// </summary>
    internal static class Fingerprints
    {
        public static ulong Of(string text)
        {
            var hash = Sha256(text);
            ulong value = 0;
            for (var i = 0; i < 8; i++)
            {
                value = (value << 8) | hash[i];
            }

            return value;
        }

        /// <summary>The first 8 hex digits (lower case) of the SHA-256 of the URL's AbsoluteUri in UTF-8: a part file's tag.</summary>
        public static string PartTag(Uri uri)
        {
            var hash = Sha256(uri.AbsoluteUri);
            var builder = new StringBuilder(8);
            for (var i = 0; i < 4; i++)
            {
                builder.Append(hash[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }

            return builder.ToString();
        }

        private static byte[] Sha256(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
#if NET8_0_OR_GREATER
            return SHA256.HashData(bytes);
#else
            using var sha = SHA256.Create();
            return sha.ComputeHash(bytes);
#endif
        }
    }
}
