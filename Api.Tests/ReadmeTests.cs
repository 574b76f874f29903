using System.Text.RegularExpressions;

namespace NdisMock.Api.Tests;

/// <summary>The README's JavaScript example runs as written, under Node with the official SignalR client, against a real port.</summary>
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

    [GeneratedRegex(@"<!-- readme-js -->\s*```js\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ReadmeJs();
}
