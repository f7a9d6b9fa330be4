using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Net.Http;

namespace ThrottledFetch.Engine.Http
{
    /// <summary>
    /// The Content-Encoding of a response, decoded per response rather than by a handler-wide setting, so each
    /// kind of item keeps its own policy. A download asks for none (no Accept-Encoding), yet some servers
    /// encode anyway; like Invoke-WebRequest -OutFile, the body is then decoded on its way to disk, so the
    /// file, its Length, -MaximumFileSize and -ExpectedHash all mean the decoded bytes. A request asks for
    /// <see cref="Accepted"/>. gzip and deflate are decoded everywhere, br where the runtime has Brotli
    /// (net8.0); any other coding fails the item.
    /// </summary>
    internal sealed class ContentCoding
    {
        /// <summary>The Accept-Encoding of a request: every coding this build decodes.</summary>
#if NET8_0_OR_GREATER
        public const string Accepted = "gzip, deflate, br";
#else
        public const string Accepted = "gzip, deflate";
#endif

        private static readonly ContentCoding Identity = new ContentCoding(Array.Empty<string>(), null);

        private readonly string[] codings;

        private ContentCoding(string[] codings, string? unsupported)
        {
            this.codings = codings;
            Unsupported = unsupported;
        }

        /// <summary>The body is encoded: the bytes on the wire are not the bytes of the file.</summary>
        public bool IsEncoded => codings.Length > 0;

        /// <summary>The first coding this build cannot decode, or null.</summary>
        public string? Unsupported { get; }

        /// <summary>The codings as the header lists them (applied in that order), e.g. "gzip".</summary>
        public string Name => string.Join(", ", codings);

        public static ContentCoding Of(HttpResponseMessage response)
        {
            var header = response.Content.Headers.ContentEncoding;
            if (header.Count == 0)
            {
                return Identity;
            }

            var codings = new List<string>(header.Count);
            string? unsupported = null;
            foreach (var value in header)
            {
                var coding = value.Trim().ToLowerInvariant();
                if (coding.Length == 0 || coding == "identity")
                {
                    continue;
                }

                if (unsupported == null && !IsSupported(coding))
                {
                    unsupported = value.Trim();
                }

                codings.Add(coding);
            }

            return codings.Count == 0 ? Identity : new ContentCoding(codings.ToArray(), unsupported);
        }

        /// <summary>The decoded body over the wire stream; the codings were applied in order, so they come off in reverse.</summary>
        public Stream Decode(Stream wire)
        {
            var stream = wire;
            for (var i = codings.Length - 1; i >= 0; i--)
            {
                stream = Decoder(codings[i], stream);
            }

            return stream;
        }

        private static bool IsSupported(string coding)
        {
            switch (coding)
            {
                case "gzip":
                case "x-gzip":
                case "deflate":
#if NET8_0_OR_GREATER
                case "br":
#endif
                    return true;
                default:
                    return false;
            }
        }

        private static Stream Decoder(string coding, Stream input)
        {
            switch (coding)
            {
                case "gzip":
                case "x-gzip":
                    return new GZipStream(input, CompressionMode.Decompress, leaveOpen: false);
                case "deflate":
                    return new ZlibOrDeflateStream(input);
#if NET8_0_OR_GREATER
                case "br":
                    return new BrotliStream(input, CompressionMode.Decompress, leaveOpen: false);
#endif
                default:
                    throw new NotSupportedException("Content-Encoding " + coding);
            }
        }
    }
}
