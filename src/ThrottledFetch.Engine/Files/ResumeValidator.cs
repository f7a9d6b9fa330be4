using System.IO;

namespace ThrottledFetch.Engine.Files
{
    /// <summary>
    /// The ETag or Last-Modified of a kept part file, stored beside it as "&lt;name&gt;.part.validator" so a
    /// later -Resume can send If-Range and never splice two versions of a file together.
    /// </summary>
    internal static class ResumeValidator
    {
        public static string PathOf(string partPath) => partPath + ".validator";

        public static string? Read(string partPath)
        {
            try
            {
                var text = File.ReadAllText(PathOf(partPath)).Trim();
                return text.Length == 0 ? null : text;
            }
            catch (IOException)
            {
                return null;
            }
        }

        public static void Write(string partPath, string? validator)
        {
            try
            {
                if (validator == null)
                {
                    File.Delete(PathOf(partPath));
                }
                else
                {
                    File.WriteAllText(PathOf(partPath), validator);
                }
            }
            catch (IOException)
            {
            }
        }

        public static void Delete(string partPath)
        {
            try
            {
                File.Delete(PathOf(partPath));
            }
            catch (IOException)
            {
            }
        }
    }
}
