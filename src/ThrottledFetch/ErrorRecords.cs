using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ThrottledFetch.Engine;
using ThrottledFetch.Engine.Text;

namespace ThrottledFetch
{
    /// <summary>Every ErrorRecord the module writes is built here: PascalCase ids, fitting categories, the item as target.</summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord ForItem(DownloadError error, DownloadResult result)
        {
            var (id, category) = Classify(error);
            // Server text is cleaned where the engine reads it; messages also quote names and paths built
            // from a URL or a server, so the terminal never sees a control character from those either.
            var message = DisplayText.Clean(error.Message);
            var exception = new DownloadException(error.Kind, message, error.StatusCode, error.Exception);
            var record = new ErrorRecord(exception, id, category, result);
            var action = RecommendedAction(error.Kind);
            if (action != null)
            {
                record.ErrorDetails = new ErrorDetails(message) { RecommendedAction = action };
            }

            return record;
        }

        /// <summary>
        /// A failed API call: the id names the kind (RequestHttpStatus, RequestTimeout...), the message the URL and
        /// the status with the start of the response body, which ErrorDetails carries too (with advice when there is
        /// some); the call's RequestResult, its whole error body in ContentText and Content, is the target.
        /// </summary>
        public static ErrorRecord ForRequest(DownloadError error, RequestResult result, string? recommendedAction)
        {
            var (id, category) = ClassifyRequest(error);
            var message = DisplayText.Clean(error.Message);
            var exception = new RequestException(error.Kind, message, error.StatusCode, error.Exception);
            return new ErrorRecord(exception, id, category, result)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = recommendedAction ?? RequestAction(error.Kind) },
            };
        }

        /// <summary>Two parameters that cannot go together; the id names both, as in "ForceWithSkipExisting".</summary>
        public static ErrorRecord Conflict(string first, string second, string message) =>
            new ErrorRecord(new ArgumentException(message), first + "With" + second, ErrorCategory.InvalidArgument, null);

        /// <summary>A header name that cannot be sent; nothing was sent.</summary>
        public static ErrorRecord InvalidHeaderName(string parameter, string name, string problem) =>
            new ErrorRecord(
                new ArgumentException($"{parameter}: the header name '{DisplayText.Clean(name)}' {problem}; nothing was sent."),
                "InvalidHeaderName",
                ErrorCategory.InvalidArgument,
                name);

        /// <summary>A header value that cannot be sent (the value itself is not quoted: it may be a secret); nothing was sent.</summary>
        public static ErrorRecord InvalidHeaderValue(string parameter, string name, string problem) =>
            new ErrorRecord(
                new ArgumentException($"{parameter}: the value of the header '{DisplayText.Clean(name)}' {problem}; nothing was sent."),
                "InvalidHeaderValue",
                ErrorCategory.InvalidArgument,
                name);

        /// <summary>Connection-level parameters given beside -Session: they are the session's, so the command stops before sending.</summary>
        public static ErrorRecord SettingOfSession(IReadOnlyList<string> given)
        {
            var names = given.Count == 1 ? given[0] : string.Join(", ", given.Take(given.Count - 1)) + " and " + given[given.Count - 1];
            var (these, are) = given.Count == 1 ? ("it", "is a setting") : ("them", "are settings");
            var message = $"{names} {are} of the session given with -Session: set {these} with New-ThrottledSession, or leave out -Session. Nothing was sent.";
            return new ErrorRecord(new ArgumentException(message), "ConnectionParameterWithSession", ErrorCategory.InvalidArgument, names)
            {
                ErrorDetails = new ErrorDetails(message)
                {
                    RecommendedAction = $"Make the session with these settings: New-ThrottledSession {string.Join(" ", given.Select(n => n + " <value>"))}; only -Headers may be given per command (they are added to the session's).",
                },
            };
        }

        /// <summary>A command on a closed session: before it started (nothing was sent), or while it ran (it stopped).</summary>
        public static ErrorRecord SessionClosed(string command, bool midRun)
        {
            var message = midRun
                ? $"The session given with -Session was closed while {command} ran; its unfinished items were stopped."
                : $"The session given with -Session is closed (by Close-ThrottledSession or Dispose()); {command} sent nothing.";
            return new ErrorRecord(new InvalidOperationException(message), "SessionClosed", ErrorCategory.InvalidOperation, null)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = "Make a new session with New-ThrottledSession, and close it only after every command on it has ended." },
            };
        }

        public static ErrorRecord NotFileSystemPath(string path) =>
            new ErrorRecord(
                new ArgumentException($"-Path '{path}' is not a file-system location."),
                "PathNotFileSystem",
                ErrorCategory.InvalidArgument,
                path);

        public static ErrorRecord DestinationIsFile(string path) =>
            new ErrorRecord(
                new ArgumentException($"-Path '{path}' is a file; it must be a folder."),
                "PathIsFile",
                ErrorCategory.InvalidArgument,
                path);

        private static (string Id, ErrorCategory Category) Classify(DownloadError error)
        {
            switch (error.Kind)
            {
                case DownloadErrorKind.InvalidUri: return ("InvalidDownloadUri", ErrorCategory.InvalidArgument);
                case DownloadErrorKind.InvalidFileName: return ("DownloadInvalidFileName", ErrorCategory.InvalidArgument);
                case DownloadErrorKind.NameCollision: return ("DownloadNameCollision", ErrorCategory.ResourceExists);
                case DownloadErrorKind.RepeatOfFailed: return ("DownloadRepeatOfFailedItem", ErrorCategory.NotSpecified);
                case DownloadErrorKind.ResourceExists: return ("ResourceExists", ErrorCategory.ResourceExists);
                case DownloadErrorKind.Timeout: return ("DownloadTimeout", ErrorCategory.OperationTimeout);
                case DownloadErrorKind.Connection: return ("DownloadConnectionFailed", ErrorCategory.ConnectionError);
                case DownloadErrorKind.IncompleteBody: return ("DownloadIncomplete", ErrorCategory.ConnectionError);
                case DownloadErrorKind.HashMismatch: return ("DownloadHashMismatch", ErrorCategory.InvalidData);
                case DownloadErrorKind.RetryAfterTooLong: return ("DownloadRetryAfterTooLong", ErrorCategory.LimitsExceeded);
                case DownloadErrorKind.WriteFailed: return ("DownloadWriteFailed", ErrorCategory.WriteError);
                case DownloadErrorKind.AuthenticationRefused: return ("DownloadUnencryptedAuthentication", ErrorCategory.SecurityError);
                case DownloadErrorKind.RedirectRefused: return ("DownloadInsecureRedirect", ErrorCategory.SecurityError);
                case DownloadErrorKind.TooLarge: return ("DownloadTooLarge", ErrorCategory.LimitsExceeded);
                case DownloadErrorKind.ContentEncoding: return ("DownloadContentEncoding", ErrorCategory.InvalidData);
                case DownloadErrorKind.HttpStatus: return ("DownloadHttpStatus", StatusCategory(error.StatusCode));
                default: return ("DownloadFailed", ErrorCategory.NotSpecified);
            }
        }

        // The download's ids stay as documented; a call's failures get ids of their own.
        private static (string Id, ErrorCategory Category) ClassifyRequest(DownloadError error)
        {
            switch (error.Kind)
            {
                case DownloadErrorKind.InvalidUri: return ("InvalidRequestUri", ErrorCategory.InvalidArgument);
                case DownloadErrorKind.InvalidRequest: return ("InvalidRequestArgument", ErrorCategory.InvalidArgument);
                case DownloadErrorKind.Timeout: return ("RequestTimeout", ErrorCategory.OperationTimeout);
                case DownloadErrorKind.Connection: return ("RequestConnectionFailed", ErrorCategory.ConnectionError);
                case DownloadErrorKind.IncompleteBody: return ("RequestIncomplete", ErrorCategory.ConnectionError);
                case DownloadErrorKind.RetryAfterTooLong: return ("RequestRetryAfterTooLong", ErrorCategory.LimitsExceeded);
                case DownloadErrorKind.AuthenticationRefused: return ("RequestUnencryptedAuthentication", ErrorCategory.SecurityError);
                case DownloadErrorKind.RedirectRefused: return ("RequestInsecureRedirect", ErrorCategory.SecurityError);
                case DownloadErrorKind.TooLarge: return ("RequestResponseTooLarge", ErrorCategory.LimitsExceeded);
                case DownloadErrorKind.ContentEncoding: return ("RequestContentEncoding", ErrorCategory.InvalidData);
                case DownloadErrorKind.HttpStatus: return ("RequestHttpStatus", StatusCategory(error.StatusCode));
                default: return ("RequestFailed", ErrorCategory.NotSpecified);
            }
        }

        private static string? RequestAction(DownloadErrorKind kind)
        {
            switch (kind)
            {
                case DownloadErrorKind.Timeout: return "Raise -TotalTimeoutSeconds or -OperationTimeoutSeconds, or check the server.";
                case DownloadErrorKind.AuthenticationRefused: return "Use an https:// URL, or -AllowUnencryptedAuthentication.";
                case DownloadErrorKind.RedirectRefused: return "Use -AllowInsecureRedirect to follow the redirect.";
                case DownloadErrorKind.TooLarge: return "Raise -MaximumResponseSize, or save large bodies to files with Invoke-ThrottledDownload.";
                default: return null;
            }
        }

        private static ErrorCategory StatusCategory(int? status)
        {
            switch (status)
            {
                case 401:
                case 403:
                    return ErrorCategory.PermissionDenied;
                case 404:
                case 410:
                    return ErrorCategory.ObjectNotFound;
                case 408:
                case 504:
                    return ErrorCategory.OperationTimeout;
                case 429:
                    return ErrorCategory.LimitsExceeded;
                default:
                    return status >= 500 ? ErrorCategory.ResourceUnavailable : ErrorCategory.InvalidResult;
            }
        }

        private static string? RecommendedAction(DownloadErrorKind kind)
        {
            switch (kind)
            {
                case DownloadErrorKind.ResourceExists: return "Use -Force to replace the file or -SkipExisting to keep it.";
                case DownloadErrorKind.NameCollision: return "Give the item its own -OutFile (for example an OutFile column).";
                case DownloadErrorKind.InvalidFileName: return "Give the item an -OutFile the file system accepts.";
                case DownloadErrorKind.Timeout: return "Raise -OperationTimeoutSeconds, or check the server.";
                case DownloadErrorKind.AuthenticationRefused: return "Use an https:// URL, or -AllowUnencryptedAuthentication.";
                case DownloadErrorKind.RedirectRefused: return "Use -AllowInsecureRedirect to follow the redirect.";
                case DownloadErrorKind.TooLarge: return "Raise -MaximumFileSize, or use 0 for no limit.";
                default: return null;
            }
        }
    }
}
