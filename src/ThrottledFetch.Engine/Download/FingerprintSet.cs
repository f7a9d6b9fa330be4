using System;

namespace ThrottledFetch.Engine.Download
{
    /// <summary>
    /// A set of 64-bit fingerprints in about 11 bytes each, for what a batch remembers of every item for its
    /// whole run (final names, repeats), so a list of a million URLs costs megabytes, not hundreds. Open
    /// addressing in 1,024 segments that grow on their own (by half, at 85 % full): a growth copies one
    /// small array at a time, so no moment holds two copies of the whole set. Zero marks a free slot, so
    /// a fingerprint of zero is stored as one. Not thread-safe: callers lock.
    /// </summary>
    internal sealed class FingerprintSet
    {
        private const int SegmentBits = 10;
        private readonly ulong[][] segments = new ulong[1 << SegmentBits][];
        private readonly int[] counts = new int[1 << SegmentBits];

        public int Count { get; private set; }

        /// <summary>True when the fingerprint was not there and is now.</summary>
        public bool Add(ulong fingerprint)
        {
            fingerprint = fingerprint == 0 ? 1 : fingerprint;
            var index = (int)(fingerprint >> (64 - SegmentBits));
            var slots = segments[index] ??= new ulong[8];
            if (Find(slots, fingerprint, out var free))
            {
                return false;
            }

            slots[free] = fingerprint;
            Count++;
            if (++counts[index] * 100 > slots.Length * 85)
            {
                segments[index] = Grow(slots);
            }

            return true;
        }

        public bool Contains(ulong fingerprint)
        {
            fingerprint = fingerprint == 0 ? 1 : fingerprint;
            var slots = segments[(int)(fingerprint >> (64 - SegmentBits))];
            return slots != null && Find(slots, fingerprint, out _);
        }

        private static bool Find(ulong[] slots, ulong fingerprint, out int free)
        {
            // The low bits pick the slot (the high bits picked the segment); linear probing from there.
            var i = (int)(fingerprint % (ulong)slots.Length);
            while (true)
            {
                var slot = slots[i];
                if (slot == fingerprint)
                {
                    free = -1;
                    return true;
                }

                if (slot == 0)
                {
                    free = i;
                    return false;
                }

                i = i + 1 == slots.Length ? 0 : i + 1;
            }
        }

        private static ulong[] Grow(ulong[] slots)
        {
            var larger = new ulong[slots.Length + (slots.Length / 2)];
            foreach (var fingerprint in slots)
            {
                if (fingerprint != 0 && !Find(larger, fingerprint, out var free))
                {
                    larger[free] = fingerprint;
                }
            }

            return larger;
        }
    }
}
