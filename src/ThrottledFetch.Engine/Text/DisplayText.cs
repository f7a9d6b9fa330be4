using System;

namespace ThrottledFetch.Engine.Text
{
    /// <summary>
    /// Makes text safe to show on a terminal. A control character (C0 with ESC, DEL, C1 with the 8-bit CSI)
    /// can clear the screen, recolour it or move the cursor, so each one is shown as U+FFFD instead.
    /// Every string a server chooses (reason phrase, body excerpt, header values, redirect targets, the HTTP
    /// stack's quotes of a broken response) passes through here before it enters a message.
    /// </summary>
    public static class DisplayText
    {
        public const char Replacement = '\uFFFD';

        /// <summary>The text with every control character replaced; empty for null.</summary>
        public static string Clean(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return string.Empty;
            }

            var first = FirstControl(text!);
            if (first < 0)
            {
                return text!;
            }

            var chars = text!.ToCharArray();
            for (var i = first; i < chars.Length; i++)
            {
                if (char.IsControl(chars[i]))
                {
                    chars[i] = Replacement;
                }
            }

            return new string(chars);
        }

        /// <summary>
        /// A URL for a message. Uri.ToString unescapes, and what it leaves escaped differs between runtimes,
        /// so a URL a server chose (a redirect target) goes through the same rule as any other server text.
        /// </summary>
        public static string Clean(Uri uri) => Clean(uri.ToString());

        // char.IsControl is exactly U+0000-U+001F and U+007F-U+009F.
        private static int FirstControl(string text)
        {
            for (var i = 0; i < text.Length; i++)
            {
                if (char.IsControl(text[i]))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
