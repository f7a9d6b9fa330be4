using System.Text;

namespace ThrottledFetch.Engine.Requests
{
    /// <summary>
    /// Response bytes as text, as Invoke-RestMethod 7.4+ reads them: a byte-order mark decides first, then the
    /// charset parameter of the Content-Type, else UTF-8 (JSON's only encoding, and the web's default).
    /// </summary>
    internal static class ResponseText
    {
        private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        public static string Decode(byte[] bytes, int length, string? contentType)
        {
            if (length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
            {
                return Utf8.GetString(bytes, 3, length - 3);
            }

            if (length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE)
            {
                return Encoding.Unicode.GetString(bytes, 2, length - 2);
            }

            if (length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF)
            {
                return Encoding.BigEndianUnicode.GetString(bytes, 2, length - 2);
            }

            return (Charset.Of(contentType) ?? Utf8).GetString(bytes, 0, length);
        }
    }
}
