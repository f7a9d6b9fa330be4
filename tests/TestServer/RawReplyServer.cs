using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ThrottledFetch.Testing
{
    /// <summary>
    /// A TCP listener on 127.0.0.1 that answers every request with the same raw bytes, which need not be
    /// valid HTTP (Kestrel will not send a broken status line or a control character in a header).
    /// </summary>
    public sealed class RawReplyServer : IDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly byte[] reply;
        private int connections;

        public RawReplyServer(string reply)
        {
            // Latin-1 keeps every char below U+0100 as the one byte it names.
            this.reply = Encoding.Latin1.GetBytes(reply);
            this.listener.Start();
            _ = AcceptAsync();
        }

        public Uri BaseUri => new("http://127.0.0.1:" + ((IPEndPoint)this.listener.LocalEndpoint).Port + "/");

        /// <summary>Connections accepted so far.</summary>
        public int Connections => Volatile.Read(ref connections);

        public Uri Url(string pathAndQuery) => new(BaseUri, pathAndQuery);

        public void Dispose() => this.listener.Stop();

        private async Task AcceptAsync()
        {
            while (true)
            {
                TcpClient client;
                try
                {
                    client = await this.listener.AcceptTcpClientAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException || e is ObjectDisposedException || e is InvalidOperationException)
                {
                    return;
                }

                Interlocked.Increment(ref connections);
                _ = AnswerAsync(client);
            }
        }

        private async Task AnswerAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    var buffer = new byte[8192];
                    var seen = new StringBuilder();
                    while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var read = await stream.ReadAsync(buffer).ConfigureAwait(false);
                        if (read == 0)
                        {
                            return;
                        }

                        seen.Append(Encoding.Latin1.GetString(buffer, 0, read));
                    }

                    await stream.WriteAsync(this.reply).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException || e is System.IO.IOException || e is ObjectDisposedException)
                {
                }
            }
        }
    }
}
