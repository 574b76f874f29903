namespace NdisMock.Api.Tests.RealProcesses;

/// <summary>
/// NdisMock as a process of its own (dotnet NdisMock.Api.dll from the Api build output) on a free loopback port: what a
/// container or a cluster node runs, so a test can kill it, restart it, or run several against one Redis. Disposing stops it
/// by its pid.
/// </summary>
public sealed class NdisMockNode : IAsyncDisposable
{
    private static readonly TimeSpan ListeningTimeout = TimeSpan.FromSeconds(60);

    private readonly RealProcess _process;

    private NdisMockNode(int port, RealProcess process)
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Port = port;
        _process = process;
    }

    /// <summary>E.g. http://127.0.0.1:41235, no path.</summary>
    public Uri BaseAddress { get; }

    public int Port { get; }

    public int Pid => _process.Pid;

    public bool HasExited => _process.HasExited;

    /// <summary>Every line the node logged so far (console logger, standard output and error).</summary>
    public IReadOnlyList<string> Log => _process.Lines;

    /// <summary>
    /// The Api project's own build output next to this test's (Api/bin/Debug/net10.0 for Api.Tests/bin/Debug/net10.0), where its
    /// deps and runtimeconfig files describe exactly the assemblies beside it; else the copy in the test's output.
    /// </summary>
    public static string ApplicationDirectory { get; } = FindApplicationDirectory();

    /// <summary>Starts a node and returns once it listens.</summary>
    /// <param name="environment">Settings as Section__Key, e.g. Storage__Redis; they add to or override the test process's environment.</param>
    public static async Task<NdisMockNode> StartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = RealProcess.FreePort();
        var settings = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["Urls"] = $"http://127.0.0.1:{port}",
            // Where `dotnet NdisMock.Api.dll healthcheck` probes, as the Dockerfile sets it for the container.
            ["NDISMOCK_HEALTH_URL"] = $"http://127.0.0.1:{port}/health/ready",
        };
        var process = RealProcess.Start("dotnet", [Path.Combine(ApplicationDirectory, "NdisMock.Api.dll")], ApplicationDirectory, settings);
        try
        {
            await process.WaitForLineAsync("Now listening on", ListeningTimeout);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }

        return new NdisMockNode(port, process);
    }

    /// <summary>Completes once the node has logged a line containing <paramref name="text"/> (before or after the call).</summary>
    public Task WaitForLogAsync(string text, TimeSpan timeout) => _process.WaitForLineAsync(text, timeout);

    /// <summary>An HTTP client of this node.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    /// <summary>SIGKILL, as a crash or the OOM killer would end it; awaits the exit, so the port refuses connections afterwards.</summary>
    public Task KillHardAsync() => _process.KillAsync();

    /// <summary>SIGTERM, as docker stop sends: the host shuts down in order (SIGKILL after the timeout, 10 s by default).</summary>
    public Task StopAsync(TimeSpan? timeout = null) => _process.StopAsync(timeout);

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static string FindApplicationDirectory()
    {
        // AppContext.BaseDirectory is Api.Tests/<bin/Configuration/TargetFramework>/.
        var testOutput = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        var testProject = Path.Combine(NdisMockApplication.RepositoryRoot, "Api.Tests");
        var candidates = new List<string>();
        if (testOutput.StartsWith(testProject + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            candidates.Add(Path.Combine(NdisMockApplication.RepositoryRoot, "Api", Path.GetRelativePath(testProject, testOutput)));
        }

        candidates.Add(testOutput);
        var runnable = candidates.FirstOrDefault(d => new[] { "NdisMock.Api.dll", "NdisMock.Api.runtimeconfig.json", "NdisMock.Api.deps.json" }
            .All(f => File.Exists(Path.Combine(d, f))));
        return runnable ?? throw new InvalidOperationException(
            $"No runnable NdisMock.Api.dll (with its runtimeconfig and deps files) in {string.Join(" or ", candidates)}; build the solution first.");
    }
}
