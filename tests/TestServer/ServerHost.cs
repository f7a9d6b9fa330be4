using System;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ThrottledFetch.Testing
{
    /// <summary>Builds the Kestrel application behind a LoopbackServer.</summary>
    internal static class ServerHost
    {
        public static WebApplication Build(LoopbackServer server, int port, X509Certificate2? certificate = null)
        {
            // The empty builder reads no appsettings or environment variables and adds no file
            // watchers, so many servers in one test run stay cheap and unaffected by the machine.
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
            {
                ApplicationName = typeof(ServerHost).Assembly.GetName().Name,
                ContentRootPath = AppContext.BaseDirectory,
            });

            builder.Logging.ClearProviders();
            builder.Services.AddRoutingCore();
            builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
            builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));

            builder.WebHost.UseKestrelCore();
            if (certificate != null)
            {
                builder.WebHost.UseKestrelHttpsConfiguration();
            }

            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Listen(IPAddress.Loopback, port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    if (certificate != null)
                    {
                        listen.UseHttps(certificate);
                    }
                });
                kestrel.AddServerHeader = false;
                // Stall and slow-body tests must not be cut short by Kestrel's own rate limits.
                kestrel.Limits.MinResponseDataRate = null;
                kestrel.Limits.MinRequestBodyDataRate = null;
                kestrel.Limits.MaxConcurrentConnections = null;
                kestrel.Limits.MaxConcurrentUpgradedConnections = null;
                // Lets /disposition send raw UTF-8 in filename="..." like real servers sometimes do.
                kestrel.ResponseHeaderEncodingSelector = name =>
                    string.Equals(name, "Content-Disposition", StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8 : null;
            });

            var app = builder.Build();
            var tracking = new TrackingMiddleware(server.Counter, server.Log, server.Stopping);
            app.Use(tracking.InvokeAsync);
            app.UseRouting();

            BasicEndpoints.Map(app);
            new SlowEndpoints(server.Holds).Map(app);
            new FailureEndpoints(server.Attempts).Map(app);
            new LimitedEndpoints(server.Limits).Map(app);
            HostileEndpoints.Map(app);
            StreamingEndpoints.Map(app);
            CookieEndpoints.Map(app);
            new EncodedEndpoints(server.Attempts).Map(app);
            new ApiEndpoints(server.Attempts).Map(app);
            new ControlEndpoints(server).Map(app);
            return app;
        }
    }
}
