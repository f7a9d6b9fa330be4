namespace ThrottledFetch.Engine
{
    /// <summary>Why an item failed; the PowerShell edge maps each to an error id and category.</summary>
    public enum DownloadErrorKind
    {
        InvalidUri,
        InvalidFileName,
        NameCollision,
        RepeatOfFailed,
        ResourceExists,
        HttpStatus,
        Timeout,
        Connection,
        IncompleteBody,
        HashMismatch,
        RetryAfterTooLong,
        WriteFailed,
        AuthenticationRefused,
        RedirectRefused,
        TooLarge,
        ContentEncoding,
    }
}
