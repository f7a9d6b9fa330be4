using System;
using System.Collections.Generic;
using System.Net;

namespace ThrottledFetch.Engine.Tests.Batch
{
    /// <summary>
    /// A test batch's settings in one place: the session's (limits, retries, timeouts, auth) and the
    /// download's (where files go and how), so a test sets what it needs by its usual name.
    /// </summary>
    internal sealed class BatchOptions
    {
        public SessionOptions Session { get; } = new();

        public DownloadOptions Download { get; } = new();

        public string Destination { get => Download.Destination; set => Download.Destination = value; }

        public long MaximumFileSize { get => Download.MaximumFileSize; set => Download.MaximumFileSize = value; }

        public ExistingFileMode ExistingFiles { get => Download.ExistingFiles; set => Download.ExistingFiles = value; }

        public bool Resume { get => Download.Resume; set => Download.Resume = value; }

        public int BufferSize { get => Download.BufferSize; set => Download.BufferSize = value; }

        public int Limit { get => Session.Limit; set => Session.Limit = value; }

        public int LimitPerHost { get => Session.LimitPerHost; set => Session.LimitPerHost = value; }

        public double RequestsPerSecond { get => Session.RequestsPerSecond; set => Session.RequestsPerSecond = value; }

        public bool LearnRate { get => Session.LearnRate; set => Session.LearnRate = value; }

        public int MaximumRetryCount { get => Session.MaximumRetryCount; set => Session.MaximumRetryCount = value; }

        public TimeSpan RetryInterval { get => Session.RetryInterval; set => Session.RetryInterval = value; }

        public TimeSpan MaximumRetryAfter { get => Session.MaximumRetryAfter; set => Session.MaximumRetryAfter = value; }

        public TimeSpan ConnectionTimeout { get => Session.ConnectionTimeout; set => Session.ConnectionTimeout = value; }

        public TimeSpan OperationTimeout { get => Session.OperationTimeout; set => Session.OperationTimeout = value; }

        public IDictionary<string, string> Headers { get => Session.Headers; set => Session.Headers = value; }

        public string? UserAgent { get => Session.UserAgent; set => Session.UserAgent = value; }

        public NetworkCredential? Credential { get => Session.Credential; set => Session.Credential = value; }

        public string? Token { get => Session.Token; set => Session.Token = value; }

        public bool AllowUnencryptedAuthentication { get => Session.AllowUnencryptedAuthentication; set => Session.AllowUnencryptedAuthentication = value; }

        public bool SkipCertificateCheck { get => Session.SkipCertificateCheck; set => Session.SkipCertificateCheck = value; }

        public bool AllowInsecureRedirect { get => Session.AllowInsecureRedirect; set => Session.AllowInsecureRedirect = value; }

        public TimeProvider TimeProvider { get => Session.TimeProvider; set => Session.TimeProvider = value; }

        public bool UseJitter { get => Session.UseJitter; set => Session.UseJitter = value; }
    }
}
