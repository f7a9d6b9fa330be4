using System;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// The deterministic byte stream every test endpoint serves. Byte i depends on i and the seed
    /// through a hash, so it never repeats with a short period: a truncated, shifted, or misordered
    /// range shows up as a content mismatch instead of passing by accident.
    /// </summary>
    public static class TestContent
    {
        public static byte ByteAt(long index, int seed)
        {
            // One 64-bit hash per 8-byte block; the byte is picked from it by position.
            ulong block = Mix((ulong)(index >> 3), seed);
            return (byte)(block >> (int)((index & 7) * 8));
        }

        public static byte[] Bytes(long size, int seed = 0)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(size);
            var data = new byte[size];
            Fill(data, 0, seed);
            return data;
        }

        /// <summary>Fills the buffer with bytes [offset, offset + buffer.Length) of the stream.</summary>
        internal static void Fill(Span<byte> buffer, long offset, int seed)
        {
            int i = 0;
            // Handle a leading partial block byte by byte, then whole blocks with one hash each.
            while (i < buffer.Length && ((offset + i) & 7) != 0)
            {
                buffer[i] = ByteAt(offset + i, seed);
                i++;
            }
            while (buffer.Length - i >= 8)
            {
                ulong block = Mix((ulong)((offset + i) >> 3), seed);
                for (int b = 0; b < 8; b++)
                {
                    buffer[i + b] = (byte)(block >> (b * 8));
                }
                i += 8;
            }
            while (i < buffer.Length)
            {
                buffer[i] = ByteAt(offset + i, seed);
                i++;
            }
        }

        // SplitMix64 finaliser: cheap and well distributed, so neighbouring blocks look unrelated.
        private static ulong Mix(ulong block, int seed)
        {
            ulong x = block + 0x9E3779B97F4A7C15UL * (ulong)(uint)(seed + 1);
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            return x ^ (x >> 31);
        }
    }
}
