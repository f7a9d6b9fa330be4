namespace ThrottledFetch.Testing
{
    /// <summary>The slice of the test content a response body carries.</summary>
    internal sealed class BodyPlan
    {
        public BodyPlan(long start, long length, int seed)
        {
            Start = start;
            Length = length;
            Seed = seed;
        }

        /// <summary>Content offset of the first body byte (non-zero for a 206).</summary>
        public long Start { get; }

        public long Length { get; }

        public int Seed { get; }
    }
}
