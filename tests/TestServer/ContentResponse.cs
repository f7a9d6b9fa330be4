using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// Sets status and headers for a /bytes-style response: validators, Accept-Ranges, and
    /// Range/If-Range handling. Shared by every endpoint that serves test content.
    /// </summary>
    public static class ContentResponse
    {
        public const string LastModified = "Tue, 01 Jan 2030 00:00:00 GMT";

        /// <summary>
        /// Prepares the response headers. Returns the body to send, or null when the answer is
        /// already complete (a 416 with no body).
        /// Query options: seed, ranges=0 (no range support), etag=0 (no ETag), lm=0 (no Last-Modified),
        /// version=KEY (see <see cref="ContentVersions"/>), type (Content-Type).
        /// </summary>
        internal static BodyPlan? Prepare(HttpContext context, long size)
        {
            var versionKey = RequestArgs.Query(context, "version");
            int seed = versionKey != null ? ContentVersions.Of(versionKey) : RequestArgs.QueryInt(context, "seed", 0);
            bool ranges = RequestArgs.QueryFlag(context, "ranges");
            string? etag = RequestArgs.QueryFlag(context, "etag") ? ETagFor(seed, size) : null;
            string? lastModified = !RequestArgs.QueryFlag(context, "lm") ? null
                : versionKey != null ? ContentVersions.LastModifiedOf(seed) : LastModified;

            var response = context.Response;
            response.ContentType = RequestArgs.Query(context, "type") ?? "application/octet-stream";
            if (lastModified != null)
            {
                response.Headers.LastModified = lastModified;
            }
            if (etag != null)
            {
                response.Headers.ETag = etag;
            }
            if (ranges)
            {
                response.Headers.AcceptRanges = "bytes";
            }

            ByteRange? range = null;
            var request = context.Request;
            if (ranges && IfRangeMatches(request.Headers.IfRange.ToString(), etag, lastModified))
            {
                range = ByteRange.Parse(request.Headers.Range.ToString(), size);
            }

            if (range == null)
            {
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentLength = size;
                return new BodyPlan(0, size, seed);
            }

            if (!range.IsSatisfiable)
            {
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                response.Headers.ContentRange = "bytes */" + size.ToString(CultureInfo.InvariantCulture);
                response.ContentLength = 0;
                return null;
            }

            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = string.Create(
                CultureInfo.InvariantCulture, $"bytes {range.Start}-{range.End}/{size}");
            response.ContentLength = range.Length;
            return new BodyPlan(range.Start, range.Length, seed);
        }

        public static string ETagFor(int seed, long size) =>
            string.Create(CultureInfo.InvariantCulture, $"\"s{seed}-{size}\"");

        // If-Range uses strong comparison: it must equal the current ETag or the Last-Modified text exactly.
        private static bool IfRangeMatches(string ifRange, string? etag, string? lastModified)
        {
            if (string.IsNullOrEmpty(ifRange))
            {
                return true;
            }
            var value = ifRange.Trim();
            return (etag != null && value == etag) || (lastModified != null && value == lastModified);
        }
    }
}
