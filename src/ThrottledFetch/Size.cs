using System.Globalization;

namespace ThrottledFetch
{
    /// <summary>Byte counts as people read them (1.5 MB), for progress and the result table.</summary>
    public static class Size
    {
        private static readonly string[] Units = { "B", "KB", "MB", "GB", "TB", "PB" };

        public static string Format(double bytes)
        {
            var unit = 0;
            while (bytes >= 1024 && unit < Units.Length - 1)
            {
                bytes /= 1024;
                unit++;
            }

            return unit == 0
                ? ((long)bytes).ToString(CultureInfo.CurrentCulture) + " B"
                : bytes.ToString(bytes < 10 ? "0.0" : "0", CultureInfo.CurrentCulture) + " " + Units[unit];
        }
    }
}
