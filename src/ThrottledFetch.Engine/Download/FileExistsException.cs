using System.IO;

namespace ThrottledFetch.Engine.Download
{
    /// <summary>The final file exists and the batch may not replace it.</summary>
    internal sealed class FileExistsException : IOException
    {
        public FileExistsException(string path)
            : base($"The file '{path}' already exists.")
        {
            Path = path;
        }

        public string Path { get; }
    }
}
