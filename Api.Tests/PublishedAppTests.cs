using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NdisMock.Api.Tests;

/// <summary>
/// The container, without a Docker engine: publish exactly as the Dockerfile does, start the output with the compose
/// file's environment, wait until it listens, and run the seed flow over real HTTP.
/// </summary>
public sealed partial class PublishedAppTests : IAsyncLifetime
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "ndismock-publish-" + Guid.NewGuid().ToString("N"));
    private Process? _app;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (_app is { HasExited: false })
        {
            _app.Kill(entireProcessTree: true);
        }

        _app?.Dispose();
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task PublishedAsTheDockerfileSays_AndStartedWithTheComposeEnvironment_ServesTheSeedFlow()
    {
        var root = NdisMockApplication.RepositoryRoot;
        var publish = DockerfilePublish().Match(await File.ReadAllTextAsync(Path.Combine(root, "Dockerfile")));
        Assert.True(publish.Success, "the Dockerfile has no 'RUN dotnet publish' line");
        var arguments = publish.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        arguments[arguments.IndexOf("-o") + 1] = _output;
        var (published, log) = await RunAsync("dotnet", ["publish", .. arguments], root, new Dictionary<string, string>(), TimeSpan.FromMinutes(5));
        Assert.True(published == 0, $"dotnet publish failed:\n{log}");

        var port = FreePort();
        var environment = ComposeEnvironment(await File.ReadAllTextAsync(Path.Combine(root, "docker-compose.yml")));
        environment["Urls"] = $"http://127.0.0.1:{port}";
        environment["NDISMOCK_HEALTH_URL"] = $"http://127.0.0.1:{port}/health/ready";
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _app = Start("dotnet", [Path.Combine(_output, "NdisMock.Api.dll")], _output, environment, line =>
        {
            lines.Enqueue(line);
            if (line.Contains("Now listening on", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        });
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
        var (healthy, probeLog) = await RunAsync("dotnet", [Path.Combine(_output, "NdisMock.Api.dll"), "healthcheck"], _output, environment, TimeSpan.FromSeconds(30));
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
        Assert.Contains(lines, l => l.Contains("\"SandboxId\":\"" + (string)sandbox["id"]!, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains((string)sandbox["key"]!, StringComparison.Ordinal));
    }

    private static async Task<JsonNode> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>The environment of the compose service, with ${NAME:-default} resolved to its default.</summary>
    private static Dictionary<string, string> ComposeEnvironment(string compose)
    {
        var environment = new Dictionary<string, string>();
        var inEnvironment = false;
        foreach (var line in compose.Split('\n'))
        {
            if (line.Trim() == "environment:")
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

        Assert.True(environment.ContainsKey("Sandboxes__TimeToLive"), "the compose file's environment was not found");
        return environment;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static Process Start(string file, string[] arguments, string directory, Dictionary<string, string> environment, Action<string> onLine)
    {
        var start = new ProcessStartInfo(file, arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => onLine(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => onLine(e.Data ?? "");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<(int ExitCode, string Log)> RunAsync(string file, string[] arguments, string directory, Dictionary<string, string> environment, TimeSpan limit)
    {
        var log = new System.Text.StringBuilder();
        using var process = Start(file, arguments, directory, environment, line =>
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        });
        using var timeout = new CancellationTokenSource(limit);
        await process.WaitForExitAsync(timeout.Token);
        lock (log)
        {
            return (process.ExitCode, log.ToString());
        }
    }

    [GeneratedRegex(@"RUN dotnet publish (.+)")]
    private static partial Regex DockerfilePublish();

    [GeneratedRegex(@"^\s{6}([A-Za-z_][A-Za-z0-9_]*):\s*""?([^""]*)""?\s*$")]
    private static partial Regex ComposeEntry();

    [GeneratedRegex(@"\$\{[A-Za-z_][A-Za-z0-9_]*:-([^}]*)\}")]
    private static partial Regex ComposeDefault();
}
