using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace NdisMock.Api.Tests;

/// <summary>The seed flow driven by the official @microsoft/signalr client under Node, against a real Kestrel port.</summary>
public sealed class JavaScriptClientTests : IAsyncLifetime
{
    private readonly WebApplicationFactory<Program> _app = new();
    private string _baseAddress = "";

    public Task InitializeAsync()
    {
        _app.UseKestrel(0);
        _app.StartServer();
        _baseAddress = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("Subscribe")]
    [InlineData("SubscribeToEvents")]
    public async Task SeedFlow_WithTheJavaScriptClient_ReceivesProtocolClCloseCallComplete(string subscribe)
    {
        var folder = Path.Combine(NdisMockApplication.RepositoryRoot, "Api.Tests", "js");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "@microsoft", "signalr")),
            $"Run 'npm ci' in {folder} first (./test.sh does).");
        // SubscribeToEvents names the six events the script handles: the client then has nothing to warn about.
        var start = new ProcessStartInfo("node", subscribe == "Subscribe" ? ["seed.mjs", _baseAddress] : ["seed.mjs", _baseAddress, "filtered"])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await node.WaitForExitAsync(timeout.Token);

        Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await errors}{await output}");
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("OK ProtocolClCloseCallComplete", lines[^1]);
        Assert.Equal(
            ["NdisClMakeCall NDIS_STATUS_PENDING", "ProtocolClMakeCallComplete NDIS_STATUS_SUCCESS", "NdisClCloseCall NDIS_STATUS_PENDING",
             "ProtocolCmCloseCall NDIS_STATUS_PENDING", "NdisMCmCloseCallComplete NDIS_STATUS_SUCCESS", "ProtocolClCloseCallComplete NDIS_STATUS_SUCCESS"],
            lines.SkipLast(1).Select(l => l[(l.IndexOf(' ', StringComparison.Ordinal) + 1)..]));
    }
}
