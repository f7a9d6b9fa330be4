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

        /// <summary>What an API call would send cannot be sent (a method that is no HTTP token, a body it cannot encode).</summary>
        InvalidRequest,
    }
}
