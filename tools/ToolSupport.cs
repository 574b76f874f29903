using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace NdisMock.Tools;

/// <summary>What the benchmark and the soak both need: ports, the repository, processes, memory and trends.</summary>
internal static class ToolSupport
{
    /// <summary>Starts a server whose output is redirected, keeping every line it logs at fail or crit level, and all of its standard error.</summary>
    public static (Process Server, System.Collections.Concurrent.ConcurrentQueue<string> Errors) StartCollectingErrors(ProcessStartInfo start)
    {
        var server = Process.Start(start)!;
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        server.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && (line.Contains("fail:", StringComparison.Ordinal) || line.Contains("crit:", StringComparison.Ordinal)))
            {
                errors.Enqueue(line);
            }
        };
        server.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                errors.Enqueue(e.Data);
            }
        };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        return (server, errors);
    }

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>The repository root, found from the tool's binaries by the solution file.</summary>
    public static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NdisMock.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run from within the NdisMock repository.");
    }

    /// <summary>
    /// The settings a load tool starts NdisMock with on <paramref name="port"/>: no rate limit in the way, and bounded
    /// stores sized to fill during warm-up, so a memory trend afterwards means a leak, not a store filling up.
    /// </summary>
    public static Dictionary<string, string> LoadSettings(int port) => new()
    {
        ["Urls"] = $"http://127.0.0.1:{port}",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Sandboxes__RateLimitPermits"] = "10000000",
        ["Sandboxes__MaxSandboxes"] = "100000",
        ["Sandboxes__JournalCapacity"] = "10000",
        ["Sandboxes__ViolationCapacity"] = "1000",

        // One client drives every sandbox and subscriber from loopback: the limits of a shared instance would measure themselves.
        ["Sandboxes__MaxSubscribersPerSandbox"] = "100000",
        ["Sandboxes__MaxSubscriptionsPerConnection"] = "100000",
        ["Sandboxes__MaxWaitsPerSandbox"] = "100000",
        ["Limits__SandboxesPerClient"] = "1000000",
        ["Limits__NegotiationsPerClient"] = "1000000",
        ["Limits__MaxConnections"] = "100000",
        ["Limits__MaxUpgradedConnections"] = "100000",
    };

    /// <summary>Waits (up to 30 s) until the server at <paramref name="uri"/> answers <paramref name="path"/> with success.</summary>
    public static async Task Ready(Uri uri, string path, bool post = false)
    {
        using var http = new HttpClient { BaseAddress = uri };
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                var response = post ? await http.PostAsJsonAsync(path, new { context = "ready" }) : await http.GetAsync(path);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"{uri} did not become ready.");
    }

    /// <summary>Runs a command to completion, throwing when it fails.</summary>
    public static void Run(string file, string arguments)
    {
        using var process = Process.Start(file, arguments);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed.");
        }
    }

    /// <summary>A process's resident set size in MiB, from /proc.</summary>
    public static double Rss(int pid) =>
        double.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;

    /// <summary>The least-squares slope of the points (0 for fewer than three).</summary>
    public static double Slope(List<(double X, double Y)> points)
    {
        if (points.Count < 3)
        {
            return 0;
        }

        var mx = points.Average(p => p.X);
        var my = points.Average(p => p.Y);
        var denominator = points.Sum(p => (p.X - mx) * (p.X - mx));
        return denominator == 0 ? 0 : points.Sum(p => (p.X - mx) * (p.Y - my)) / denominator;
    }
}
