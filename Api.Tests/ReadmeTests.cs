using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace NdisMock.Api.Tests;

/// <summary>The README's JavaScript example runs as written, under Node with the official SignalR client, against a real port.</summary>
public sealed partial class ReadmeTests : IAsyncLifetime
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

    [Fact]
    public async Task JavaScriptExample_RunsVerbatim_AndPrintsProtocolClCloseCallComplete()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(NdisMockApplication.RepositoryRoot, "README.md"));
        var snippet = ReadmeJs().Match(readme);
        Assert.True(snippet.Success, "README.md has no ```js block after <!-- readme-js -->");
        var folder = Path.Combine(NdisMockApplication.RepositoryRoot, "Api.Tests", "js");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "@microsoft", "signalr")), $"Run 'npm ci' in {folder} first (./test.sh does).");

        // Beside node_modules, so that the bare import resolves as it does for a reader who ran npm install.
        var script = Path.Combine(folder, $"readme-{Guid.NewGuid():N}.mjs");
        await File.WriteAllTextAsync(script, snippet.Groups["code"].Value);
        try
        {
            var start = new ProcessStartInfo("node", [script]) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["NDISMOCK_URL"] = _baseAddress.TrimEnd('/');
            using var node = Process.Start(start)!;
            var output = node.StandardOutput.ReadToEndAsync();
            var errors = node.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await node.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                node.Kill(entireProcessTree: true);
                throw;
            }

            Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await errors}{await output}");
            Assert.Matches(@"^\d+ ProtocolClCloseCallComplete NDIS_STATUS_SUCCESS my-vc\s*$", await output);

            // Subscribed to the one event it handles, the client has no other method to warn about.
            Assert.Equal("", await errors);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [GeneratedRegex(@"<!-- readme-js -->\s*```js\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ReadmeJs();
}
