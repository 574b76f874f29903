using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NdisMock.Api.Tests.RealProcesses;

namespace NdisMock.Api.Tests;

/// <summary>
/// The container, without a Docker engine: publish exactly as the Dockerfile does, start the output with the compose
/// file's environment (its Redis replaced by a redis-server of the test's own), wait until it listens, and run the seed flow
/// over real HTTP.
/// </summary>
public sealed partial class PublishedAppTests : IAsyncLifetime
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "ndismock-publish-" + Guid.NewGuid().ToString("N"));
    private RealProcess? _app;
    private RedisServer? _redis;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        try
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }
        }
        finally
        {
            if (_redis is not null)
            {
                await _redis.DisposeAsync();
            }

            if (Directory.Exists(_output))
            {
                Directory.Delete(_output, recursive: true);
            }
        }
    }

    [Fact]
    public async Task PublishedAsTheDockerfileSays_AndStartedWithTheComposeEnvironment_ServesTheSeedFlow()
    {
        var root = NdisMockApplication.RepositoryRoot;
        var publish = DockerfilePublish().Match(await File.ReadAllTextAsync(Path.Combine(root, "Dockerfile")));
        Assert.True(publish.Success, "the Dockerfile has no 'RUN dotnet publish' line");
        var arguments = publish.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        arguments[arguments.IndexOf("-o") + 1] = _output;
        var (published, log) = await RealProcess.RunAsync("dotnet", ["publish", .. arguments], root, null, TimeSpan.FromMinutes(5));
        Assert.True(published == 0, $"dotnet publish failed:\n{log}");

        var port = RealProcess.FreePort();
        var environment = ComposeEnvironment(await File.ReadAllTextAsync(Path.Combine(root, "docker-compose.yml")));
        // The compose file's Redis is the service named redis; here it is one of the test's own.
        Assert.Equal("redis:6379", environment["Storage__Redis"]);
        _redis = await RedisServer.StartAsync();
        environment["Storage__Redis"] = _redis.ConnectionString;
        environment["Urls"] = $"http://127.0.0.1:{port}";
        environment["NDISMOCK_HEALTH_URL"] = $"http://127.0.0.1:{port}/health/ready";
        _app = RealProcess.Start("dotnet", [Path.Combine(_output, "NdisMock.Api.dll")], _output, environment);
        await _app.WaitForLineAsync("Now listening on", TimeSpan.FromSeconds(60));

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
        var (healthy, probeLog) = await RealProcess.RunAsync("dotnet", [Path.Combine(_output, "NdisMock.Api.dll"), "healthcheck"], _output, environment, TimeSpan.FromSeconds(30));
        Assert.True(healthy == 0, $"the HEALTHCHECK command failed: {probeLog}");
        foreach (var page in new[] { "/", "/sandbox.html", "/sandbox.js", "/lib/signalr/signalr.min.js" })
        {
            // The live pages travel inside the assembly, so the image serves them with nothing else copied.
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(page, UriKind.Relative))).StatusCode);
        }

        var sandbox = await Json(await http.PostAsJsonAsync(new Uri("/sandboxes", UriKind.Relative), new { }));
        http.DefaultRequestHeaders.Add("X-Sandbox-Key", (string)sandbox["key"]!);
        var path = $"/sandboxes/{(string)sandbox["id"]!}";
        var af = (string)(await Json(await http.PostAsJsonAsync(new Uri($"{path}/client/address-families", UriKind.Relative), new { addressFamily = "Q2931", clientAfContext = "smoke" })))["ndisAfHandle"]!;
        var vc = (string)(await Json(await http.PostAsJsonAsync(new Uri($"{path}/client/address-families/{af}/vcs", UriKind.Relative), new { protocolVcContext = "smoke-vc" })))["ndisVcHandle"]!;
        var made = await Json(await http.PostAsJsonAsync(new Uri($"{path}/client/vcs/{vc}/call", UriKind.Relative), new { }));
        await Json(await http.PostAsJsonAsync(new Uri($"{path}/pending/{(string)made["pendingOperationId"]!}/complete", UriKind.Relative), new { status = "NDIS_STATUS_SUCCESS" }));
        var closed = await Json(await http.PostAsJsonAsync(new Uri($"{path}/client/vcs/{vc}/call/close", UriKind.Relative), new { }));
        await Json(await http.PostAsJsonAsync(new Uri($"{path}/mcm/vcs/{vc}/close-call-complete", UriKind.Relative), new { status = "NDIS_STATUS_SUCCESS" }));
        var events = (await Json(await http.GetAsync(new Uri($"{path}/events?name=ProtocolClCloseCallComplete", UriKind.Relative))))["events"]!.AsArray();

        var callback = Assert.Single(events)!;
        Assert.Equal(("smoke-vc", (string?)closed["pendingOperationId"]), ((string?)callback["protocolVcContext"], (string?)callback["pendingOperationId"]));
        var lines = _app.Lines;
        Assert.Contains(lines, l => l.Contains("\"SandboxId\":\"" + (string)sandbox["id"]!, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains((string)sandbox["key"]!, StringComparison.Ordinal));
    }

    private static async Task<JsonNode> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>
    /// The environment every NdisMock service of the compose file shares (the extension field x-ndismock-environment), with
    /// ${NAME:-default} resolved to its default.
    /// </summary>
    private static Dictionary<string, string> ComposeEnvironment(string compose)
    {
        Assert.Contains("environment: *ndismock-environment", compose, StringComparison.Ordinal);
        var environment = new Dictionary<string, string>();
        var inEnvironment = false;
        foreach (var line in compose.Split('\n'))
        {
            if (line.StartsWith("x-ndismock-environment:", StringComparison.Ordinal))
            {
                inEnvironment = true;
                continue;
            }

            var entry = ComposeEntry().Match(line);
            if (inEnvironment && entry.Success)
            {
                environment[entry.Groups[1].Value] = ComposeDefault().Replace(entry.Groups[2].Value, m => m.Groups[1].Value);
            }
            else if (inEnvironment && !line.TrimStart().StartsWith('#') && line.Trim().Length > 0)
            {
                inEnvironment = false;
            }
        }

        Assert.True(environment.ContainsKey("Sandboxes__TimeToLive"), "the compose file's x-ndismock-environment was not found");
        return environment;
    }

    [GeneratedRegex(@"RUN dotnet publish (.+)")]
    private static partial Regex DockerfilePublish();

    [GeneratedRegex(@"^\s{2}([A-Za-z_][A-Za-z0-9_]*):\s*""?([^""]*)""?\s*$")]
    private static partial Regex ComposeEntry();

    [GeneratedRegex(@"\$\{[A-Za-z_][A-Za-z0-9_]*:-([^}]*)\}")]
    private static partial Regex ComposeDefault();
}
