using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using NdisMock.Api;
using NdisMock.Client;

namespace NdisMock.Testing;

/// <summary>How <see cref="NdisMockServer.StartAsync"/> hosts NdisMock.</summary>
public sealed class NdisMockServerOptions
{
    /// <summary>
    /// The host's clock: pass a fake one (Microsoft.Extensions.TimeProvider.Testing's FakeTimeProvider) to drive
    /// sandbox lifetimes, allowances and delayed completions from the test. Left out: the system clock.
    /// </summary>
    public TimeProvider? Time { get; set; }

    /// <summary>Settings as NdisMock reads them, e.g. <c>["Sandboxes:MaxVcsPerSandbox"] = "100"</c> or <c>["Operator:Key"]</c>.</summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>Where NdisMock's logs go; left out, nowhere (a test's output stays its own).</summary>
    public ILoggerProvider? Logging { get; set; }
}

/// <summary>
/// An NdisMock to test against: the real one hosted in this process on a free loopback port (Kestrel, so SignalR
/// WebSockets and any HTTP client work), or a shared instance somewhere else. Each test takes sandboxes of its own.
/// </summary>
public sealed class NdisMockServer : IAsyncDisposable
{
    private readonly WebApplication? _app;
    private readonly HttpClient _http;

    private NdisMockServer(Uri url, WebApplication? app, string? operatorKey)
    {
        Url = url;
        _app = app;
        OperatorKey = operatorKey;
        _http = new HttpClient { BaseAddress = url };
    }

    /// <summary>The instance's base address, e.g. http://127.0.0.1:41235/ (Swagger UI at /swagger, the hub at /hubs/ndis).</summary>
    public Uri Url { get; }

    /// <summary>The operator's key, when given: lets <see cref="ListSandboxesAsync"/> work.</summary>
    public string? OperatorKey { get; }

    /// <summary>Starts NdisMock in this process on 127.0.0.1 and a free port.</summary>
    public static async Task<NdisMockServer> StartAsync(NdisMockServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new NdisMockServerOptions();
        var app = NdisMockHost.Build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            // In this process there is one tenant, the test suite: the per-client limits of a shared instance stay out of its way.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Limits:SandboxesPerClient"] = "1000000",
                ["Limits:NegotiationsPerClient"] = "1000000",
            });
            builder.Configuration.AddInMemoryCollection(options.Settings);
            builder.Logging.ClearProviders();
            if (options.Logging is { } logging)
            {
                builder.Logging.AddProvider(logging);
            }

            if (options.Time is { } time)
            {
                builder.Services.Replace(ServiceDescriptor.Singleton(time));
            }
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        options.Settings.TryGetValue("Operator:Key", out var operatorKey);
        return new NdisMockServer(new Uri(address.TrimEnd('/') + "/"), app, operatorKey);
    }

    /// <summary>Targets an NdisMock that runs elsewhere (a shared, Docker-hosted instance); nothing is started.</summary>
    public static NdisMockServer Connect(Uri url, string? operatorKey = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        return new NdisMockServer(new Uri(url.ToString().TrimEnd('/') + "/"), null, operatorKey);
    }

    /// <summary>
    /// A new sandbox — one simulated adapter with its MCM — already subscribed to its callbacks. Disposing it deletes it.
    /// With <paramref name="alwaysPend"/>, every asynchronous client request pends and its completion callback arrives.
    /// </summary>
    public async Task<NdisSandbox> CreateSandboxAsync(
        AdapterProfileName profile = AdapterProfileName.AtmOc3,
        McmDuties duties = McmDuties.Auto,
        Strictness strictness = Strictness.Strict,
        SandboxClock clock = SandboxClock.Host,
        bool alwaysPend = false,
        CancellationToken cancellationToken = default)
    {
        var created = await NdisCall.Run(() => new NdisMockClient(_http).CreateSandboxAsync(
            new CreateSandboxRequest { Profile = profile, Duties = duties, Strictness = strictness, Clock = clock, AlwaysPend = alwaysPend }, cancellationToken));
        return await NdisSandbox.OpenAsync(Url, created.Result.Id, created.Result.Key, cancellationToken);
    }

    /// <summary>Every sandbox of the instance (needs the operator's key).</summary>
    public async Task<IReadOnlyList<SandboxSummary>> ListSandboxesAsync(CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { BaseAddress = Url };
        http.DefaultRequestHeaders.Add("X-Operator-Key", OperatorKey ?? throw new InvalidOperationException("No operator key was given."));
        var listed = await NdisCall.Run(() => new NdisMockClient(http).ListSandboxesAsync(cancellationToken));
        return [.. listed.Result.Sandboxes];
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
