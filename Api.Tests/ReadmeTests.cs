using System.Text.RegularExpressions;

namespace NdisMock.Api.Tests;

/// <summary>
/// The README's JavaScript example runs as written, under Node with the official SignalR client, against a real port; its
/// diagram of the seed flow is what GetSequenceDiagram draws.
/// </summary>
public sealed partial class ReadmeTests : IAsyncLifetime
{
    private LoopbackNdisMock _ndis = null!;

    public Task InitializeAsync()
    {
        _ndis = LoopbackNdisMock.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _ndis.DisposeAsync();

    [Fact]
    public async Task JavaScriptExample_RunsVerbatim_AndPrintsProtocolClCloseCallComplete()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(NdisMockApplication.RepositoryRoot, "README.md"));
        var snippet = ReadmeJs().Match(readme);
        Assert.True(snippet.Success, "README.md has no ```js block after <!-- readme-js -->");
        Node.Require("@microsoft/signalr");

        // Beside node_modules, so that the bare import resolves as it does for a reader who ran npm install.
        var script = Path.Combine(Node.Folder, $"readme-{Guid.NewGuid():N}.mjs");
        await File.WriteAllTextAsync(script, snippet.Groups["code"].Value);
        try
        {
            var (exitCode, output, errors) = await Node.RunAsync([script], new Dictionary<string, string> { ["NDISMOCK_URL"] = _ndis.BaseAddress }, timeoutSeconds: 60);

            Assert.True(exitCode == 0, $"node exited {exitCode}: {errors}{output}");
            Assert.Matches(@"^\d+ ProtocolClCloseCallComplete NDIS_STATUS_SUCCESS my-vc\s*$", output);

            // Subscribed to the one event it handles, the client has no other method to warn about.
            Assert.Equal("", errors);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task SeedFlowDiagram_IsWhatGetSequenceDiagramDraws()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(NdisMockApplication.RepositoryRoot, "README.md"));
        var shown = ReadmeDiagram().Match(readme);
        Assert.True(shown.Success, "README.md has no ```mermaid block after <!-- readme-diagram -->");
        using var http = new HttpClient { BaseAddress = new Uri(_ndis.BaseAddress + "/") };
        var sandbox = await HttpSandbox.CreateAsync(http);

        // The README's seed flow, as its curl lines walk it.
        var af = await sandbox.OpenAfAsync("my-af");
        var vc = await sandbox.CreateVcAsync(af, "my-vc");
        var made = (await sandbox.Post($"/client/vcs/{vc}/call"))["pendingOperationId"]!;
        HttpSandbox.Ok(await sandbox.Post($"/pending/{made}/complete", new { status = "NDIS_STATUS_SUCCESS" }));
        HttpSandbox.Ok(await sandbox.Post($"/client/vcs/{vc}/call/close"));
        HttpSandbox.Ok(await sandbox.Post($"/mcm/vcs/{vc}/close-call-complete", new { status = "NDIS_STATUS_SUCCESS" }));
        var drawn = (await sandbox.GetTextAsync("/diagram", "text/vnd.mermaid")).Text;

        // Handles differ per sandbox by their tag (af-TAG-1): the README shows the tag k3x9.
        var tag = af.Split('-')[1];
        Assert.Equal(shown.Groups["diagram"].Value, drawn.Replace($"-{tag}-", "-k3x9-", StringComparison.Ordinal));
        await DiagramTests.AssertMermaidParsesAsync(shown.Groups["diagram"].Value);
    }

    [GeneratedRegex(@"<!-- readme-js -->\s*```js\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ReadmeJs();

    [GeneratedRegex(@"<!-- readme-diagram -->\s*```mermaid\n(?<diagram>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ReadmeDiagram();
}
