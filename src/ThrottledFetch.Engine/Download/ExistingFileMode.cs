namespace ThrottledFetch.Engine
{
    /// <summary>What to do when the final file already exists.</summary>
    public enum ExistingFileMode
    {
        /// <summary>A per-item error; the file is kept.</summary>
        Fail,

        /// <summary>Replace it (-Force).</summary>
        Overwrite,

        /// <summary>Leave it and report the item as Skipped (-SkipExisting).</summary>
        Skip,
    }
}
