namespace ThrottledFetch
{
    /// <summary>How one API call ended.</summary>
    public enum RequestStatus
    {
        Completed,
        Failed,
    }
}
