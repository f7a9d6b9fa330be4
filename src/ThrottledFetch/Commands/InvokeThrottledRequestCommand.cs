using System;
using System.Collections.Generic;
using System.Collections;
using System.Management.Automation;
using System.Xml;
using ThrottledFetch.Engine;
using ThrottledFetch.Engine.Http;

namespace ThrottledFetch.Commands
{
    /// <summary>
    /// Calls an API once per URL from the pipeline with a cap on requests in flight, writing each answer as it
    /// comes: the parsed body, as Invoke-RestMethod writes it, or one response object per call. Binds the call's
    /// own parameters (method, body, size bound) on top of the shared ones, hands items to a
    /// <see cref="RequestBatch"/>, parses bodies on the pipeline thread and writes them and the errors.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "ThrottledRequest", SupportsShouldProcess = true)]
    [OutputType(typeof(PSObject), typeof(XmlDocument), typeof(string), typeof(RequestResult))]
    public sealed class InvokeThrottledRequestCommand : ThrottledCommandBase<RequestItem, RequestResult>
    {
        private ResponseContent? content;

        /// <summary>Empty means GET, so a CSV column that leaves some rows blank still binds.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(HttpMethodCompleter))]
        [AllowNull]
        [AllowEmptyString]
        public string? Method { get; set; } = "GET";

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        public object? Body { get; set; }

        [Parameter]
        public string? ContentType { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TotalTimeoutSeconds { get; set; } = 100;

        /// <summary>Bytes of one decoded body kept in memory (PowerShell's 10MB suffixes make it easy to write).</summary>
        [Parameter]
        [ValidateRange(1, RequestOptions.LargestMaximumResponseSize)]
        public long MaximumResponseSize { get; set; } = RequestOptions.DefaultMaximumResponseSize;

        [Parameter]
        public SwitchParameter RetryNonIdempotent { get; set; }

        [Parameter]
        public SwitchParameter AsResponseObject { get; set; }

        /// <summary>The whole pipeline object (beside what binds by property name), handed back in the response object.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        protected override void BeginProcessing()
        {
            content = new ResponseContent(this);
            base.BeginProcessing();
        }

        protected override Batch<RequestItem, RequestResult> CreateBatch(HttpSession session, IDictionary<string, string> headers) =>
            new RequestBatch(session, new RequestOptions
            {
                MaximumResponseSize = MaximumResponseSize,
                TotalTimeout = TimeSpan.FromSeconds(TotalTimeoutSeconds),
                RetryNonIdempotent = RetryNonIdempotent,
                Headers = headers,
            });

        protected override RequestItem? CreateItem(string input, System.Uri uri)
        {
            var method = EffectiveMethod();
            if (HeaderValues.NameProblem(method) is string problem)
            {
                WriteFailed(input, uri, new DownloadError(DownloadErrorKind.InvalidRequest, $"'{method}' is not an HTTP method for '{uri}': it {problem}."));
                return null;
            }

            RequestBody body;
            try
            {
                body = RequestBody.Create(Body, method, ContentType, HeaderContentType(), uri);
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                // Whatever PowerShell makes of one item's body, it fails that item only.
                WriteFailed(input, uri, new DownloadError(DownloadErrorKind.InvalidRequest, $"The body for '{uri}' cannot be sent: {e.Message}", e));
                return null;
            }

            return new RequestItem(body.Uri, method, body.Bytes, body.ContentType, InputObject, input);
        }

        protected override string Describe(RequestItem item) => item.Method;

        protected override void WriteFinished(BatchEvent<RequestResult> finished)
        {
            var result = finished.Result!;
            var parsed = content!.Parse(result, out var unroll);
            if (finished.Error != null)
            {
                // The API's own error object, parsed, is in the error's target for scripts that read it.
                result.Content = parsed;
                WriteError(ErrorRecords.ForRequest(finished.Error, result, Advice(finished.Error, result)));
                if (AsResponseObject)
                {
                    WriteObject(result);
                }

                return;
            }

            if (AsResponseObject)
            {
                result.Content = parsed;
                WriteObject(result);
            }
            else if (parsed != null || result.Length > 0)
            {
                // As ConvertFrom-Json writes them: a top-level array one element at a time; an empty body, nothing.
                WriteObject(parsed, unroll);
            }
        }

        protected override void WriteFailed(string input, System.Uri? uri, DownloadError error)
        {
            var failed = RequestResult.NotSent(input, InputObject, EffectiveMethod(), uri, error.Message);
            WriteError(ErrorRecords.ForRequest(error, failed, null));
            if (AsResponseObject)
            {
                WriteObject(failed);
            }
        }

        // A POST that failed after it may have reached the server was not repeated: say how to allow that.
        private string? Advice(DownloadError error, RequestResult result)
        {
            if (RetryNonIdempotent || MaximumRetryCount == 0 || HttpMethods.IsIdempotent(result.Method))
            {
                return null;
            }

            var status = error.StatusCode ?? 0;
            var transient = error.Kind == DownloadErrorKind.Timeout
                || error.Kind == DownloadErrorKind.Connection
                || error.Kind == DownloadErrorKind.IncompleteBody
                || (error.Kind == DownloadErrorKind.HttpStatus && (status == 408 || status == 429 || status >= 500));
            return transient
                ? $"A {result.Method} is retried only when it surely did not reach the server; add -RetryNonIdempotent if the API makes repeating it safe."
                : null;
        }

        private string EffectiveMethod() => string.IsNullOrWhiteSpace(Method) ? "GET" : HttpMethods.Normalize(Method!);

        private string? HeaderContentType()
        {
            if (Headers == null)
            {
                return null;
            }

            foreach (DictionaryEntry entry in Headers)
            {
                if (string.Equals(entry.Key?.ToString(), "Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    return LanguagePrimitives.ConvertTo<string>(entry.Value);
                }
            }

            return null;
        }
    }
}
