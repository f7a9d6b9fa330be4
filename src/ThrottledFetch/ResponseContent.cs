using System.IO;
using System.Management.Automation;
using System.Xml;
using ThrottledFetch.Engine;

namespace ThrottledFetch
{
    /// <summary>
    /// A response body as Invoke-RestMethod users expect it, made on the pipeline thread: JSON (by its media type)
    /// to objects as ConvertFrom-Json makes them, XML to an XmlDocument, any other text as a string. A body that
    /// does not parse as its media type says is kept as its text, as Invoke-RestMethod keeps it.
    /// </summary>
    internal sealed class ResponseContent
    {
        private readonly PSCmdlet cmdlet;
        private readonly JsonConversion json;

        public ResponseContent(PSCmdlet cmdlet)
        {
            this.cmdlet = cmdlet;
            json = JsonConversion.Find(cmdlet);
        }

        /// <summary>The parsed body; <paramref name="unroll"/> when it is a top-level JSON array, written element by element.</summary>
        public object? Parse(RequestResult result, out bool unroll)
        {
            unroll = false;
            var text = result.ContentText;
            if (string.IsNullOrEmpty(text))
            {
                return null;
            }

            if (MediaType.IsJson(result.ContentType))
            {
                if (json.TryConvert(cmdlet, text!, out var value, out var problem))
                {
                    unroll = value is object[];
                    return value;
                }

                cmdlet.WriteVerbose($"'{result.Uri}' sent a body labelled {result.ContentType} that is not JSON ({problem}); it is written as text.");
                return text;
            }

            if (MediaType.IsXml(result.ContentType))
            {
                try
                {
                    return Xml(text!);
                }
                catch (XmlException e)
                {
                    cmdlet.WriteVerbose($"'{result.Uri}' sent a body labelled {result.ContentType} that is not XML ({e.Message}); it is written as text.");
                }
            }

            return text;
        }

        // As Invoke-RestMethod reads XML: no DTD, no external entities, no resolver that could reach the network or disk.
        private static XmlDocument Xml(string text)
        {
            var settings = new XmlReaderSettings
            {
                CheckCharacters = false,
                IgnoreProcessingInstructions = true,
                MaxCharactersFromEntities = 1024,
                DtdProcessing = DtdProcessing.Ignore,
                XmlResolver = null,
            };

            using var reader = XmlReader.Create(new StringReader(text), settings);
            var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
            document.Load(reader);
            return document;
        }
    }
}
