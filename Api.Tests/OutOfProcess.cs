using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace NdisMock.Api.Tests;

/// <summary>NdisMock on a real loopback port (Kestrel), for clients the test server cannot reach: a browser, Node, generated clients.</summary>
public sealed class LoopbackNdisMock : IAsyncDisposable
{
    private readonly NdisMockApplication _app;

    private LoopbackNdisMock(NdisMockApplication app)
    {
        _app = app;
        _app.UseKestrel(0);
        _app.StartServer();
        BaseAddress = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    /// <summary>The address without a trailing slash, e.g. http://127.0.0.1:41235.</summary>
    public string BaseAddress { get; }

    /// <summary>The host's services, e.g. the sandbox store, to set a sandbox up faster than over HTTP.</summary>
    public IServiceProvider Services => _app.Services;

    public static LoopbackNdisMock Start(Action<IWebHostBuilder>? configure = null) =>
        new(configure is null ? new NdisMockApplication() : NdisMockApplication.With(configure));

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

/// <summary>Runs a Node script of Api.Tests/js (where npm ci put the tools), stopped by its pid if it outlives the timeout.</summary>
public static class Node
{
    public static string Folder { get; } = Path.Combine(NdisMockApplication.RepositoryRoot, "Api.Tests", "js");

    /// <summary>Fails the test unless npm ci installed <paramref name="package"/> (./test.sh does).</summary>
    public static void Require(string package) =>
        Assert.True(Directory.Exists(Path.Combine(Folder, "node_modules", package)), $"Run 'npm ci' in {Folder} first (./test.sh does): {package} is missing.");

    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, int timeoutSeconds = 120)
    {
        var start = new ProcessStartInfo("node", arguments) { WorkingDirectory = workingDirectory ?? Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await node.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {string.Join(' ', start.ArgumentList)} ran over {timeoutSeconds} s: {await errors}{await output}");
        }

        return (node.ExitCode, await output, await errors);
    }
}
