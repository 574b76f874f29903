namespace NdisMock.Api.Tests;

/// <summary>The seed flow driven by the official @microsoft/signalr client under Node, against a real Kestrel port.</summary>
public sealed class JavaScriptClientTests : IAsyncLifetime
{
    private LoopbackNdisMock _ndis = null!;

    public Task InitializeAsync()
    {
        _ndis = LoopbackNdisMock.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _ndis.DisposeAsync();

    [Theory]
    [InlineData("Subscribe")]
    [InlineData("SubscribeToEvents")]
    public async Task SeedFlow_WithTheJavaScriptClient_ReceivesProtocolClCloseCallComplete(string subscribe)
    {
        Node.Require("@microsoft/signalr");

        // SubscribeToEvents names the six events the script handles: the client then has nothing to warn about.
        var (exitCode, output, errors) = await Node.RunAsync(subscribe == "Subscribe" ? ["seed.mjs", _ndis.BaseAddress] : ["seed.mjs", _ndis.BaseAddress, "filtered"], timeoutSeconds: 60);

        Assert.True(exitCode == 0, $"node exited {exitCode}: {errors}{output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("OK ProtocolClCloseCallComplete", lines[^1]);
        Assert.Equal(
            ["NdisClMakeCall NDIS_STATUS_PENDING", "ProtocolClMakeCallComplete NDIS_STATUS_SUCCESS", "NdisClCloseCall NDIS_STATUS_PENDING",
             "ProtocolCmCloseCall NDIS_STATUS_PENDING", "NdisMCmCloseCallComplete NDIS_STATUS_SUCCESS", "ProtocolClCloseCallComplete NDIS_STATUS_SUCCESS"],
            lines.SkipLast(1).Select(l => l[(l.IndexOf(' ', StringComparison.Ordinal) + 1)..]));
    }
}
