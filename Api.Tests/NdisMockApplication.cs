using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using NdisMock.Hubs;

namespace NdisMock.Api.Tests;

/// <summary>The one test host: every seam the HTTP tests need lives here.</summary>
public sealed class NdisMockApplication : WebApplicationFactory<Program>
{
    private Action<IWebHostBuilder>? _configure;

    /// <summary>A host with its own settings, e.g. a small journal.</summary>
    public static NdisMockApplication With(Action<IWebHostBuilder> configure) => new() { _configure = configure };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");

        // Every test is one client address: the per-client limits would meet the suite, not a test. Tests of those limits set their own.
        builder.UseSetting("Limits:SandboxesPerClient", "1000000");
        builder.UseSetting("Limits:NegotiationsPerClient", "1000000");
        _configure?.Invoke(builder);
    }

    /// <summary>An HTTP client of the test server that fails the test on any 5xx.</summary>
    public HttpClient CreateNdisClient() => CreateDefaultClient(new No5xx());

    /// <summary>
    /// A SignalR connection to /hubs/ndis over the test server's WebSockets, with the JSON protocol configured like the
    /// API, or with MessagePack.
    /// </summary>
    public HubConnection CreateHubConnection(bool messagePack = false)
    {
        var server = Server;
        var builder = new HubConnectionBuilder().WithUrl(new Uri(server.BaseAddress, HubRegistration.Path.TrimStart('/')), options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
            options.HttpMessageHandlerFactory = _ => server.CreateHandler();
            options.WebSocketFactory = async (context, cancellationToken) =>
                await server.CreateWebSocketClient().ConnectAsync(context.Uri, cancellationToken);
        });
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }
        else
        {
            builder.AddJsonProtocol(options => Json.Configure(options.PayloadSerializerOptions));
        }

        return builder.Build();
    }

    /// <summary>A fresh sandbox, so that no test sees another's leftovers.</summary>
    public Task<HttpSandbox> NewSandboxAsync(object? options = null) => HttpSandbox.CreateAsync(CreateNdisClient(), options);

    /// <summary>The repository root, found from the test binaries by the solution file.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "NdisMock.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("NdisMock.sln not found above the test binaries.");
        }
    }
}
