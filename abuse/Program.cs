// NdisMock abuse run: the floods of issue 16, one after another, against a Release NdisMock started here on
// 127.0.0.1 with the shared instance's limits (docker-compose.yml's defaults). During each flood a clean sandbox is
// probed (one GetSandbox at a time); the tool prints, per flood, what the flood achieved, the server's peak RSS, whether
// it is still alive, and the probe's p50/p99 against idle, and exits non-zero if the process died, any 5xx was
// answered, anything was logged as an error, or a probe p99 exceeded 3x idle.
//   dotnet run -c Release --project abuse -- [--seconds 20] [--budget-mib 1024] [--only big]   (--only: the floods whose name has that word)
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;
using static NdisMock.Tools.ToolSupport;

var seconds = Option("--seconds", 20.0);
var budget = (int)Option("--budget-mib", 1024);
var only = Array.IndexOf(args, "--only") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
var root = FindRoot();
var api = Path.Combine(root, "Api", "bin", "Release", "net10.0", "NdisMock.Api.dll");
Run("dotnet", $"build -c Release \"{Path.Combine(root, "Api", "Api.csproj")}\" -v q -nologo");

var port = FreePort();
var start = new ProcessStartInfo("dotnet", $"\"{api}\"") { RedirectStandardOutput = true, RedirectStandardError = true };
start.Environment["Urls"] = $"http://127.0.0.1:{port}";
start.Environment["Logging__LogLevel__Default"] = "Warning";
start.Environment["Limits__MemoryBudgetMiB"] = budget.ToString(CultureInfo.InvariantCulture);
var (server, serverErrors) = StartCollectingErrors(start);
var baseUri = new Uri($"http://127.0.0.1:{port}");
await Ready(baseUri, "/health");

long fiveHundreds = 0;
var failures = new List<string>();
using var probeHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10) }) { BaseAddress = baseUri };
var probe = await CreateAsync(probeHttp);
await PostAsync(probeHttp, probe, "/client/address-families", new { addressFamily = "CO_ADDRESS_FAMILY_Q2931", clientAfContext = "probe" });

// The floods' own sandboxes, made before the creation flood spends this address's allowance: one for the quota flood,
// one holding 20,000 VCs for the big reads (made at the sandbox's rate limit).
using var setup = new HttpClient { BaseAddress = baseUri };
var quotaTarget = await CreateAsync(setup);
var bigTarget = await CreateAsync(setup);
var bigAf = await PostAsync(setup, bigTarget, "/client/address-families", new { addressFamily = "CO_ADDRESS_FAMILY_Q2931", clientAfContext = "big" });
var vcsMade = 0;
await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
{
    using var http = new HttpClient { BaseAddress = baseUri };
    while (Interlocked.Increment(ref vcsMade) <= 20_000)
    {
        using var create = Request(HttpMethod.Post, bigTarget, $"/client/address-families/{bigAf}/vcs", new { protocolVcContext = "v" });
        using var created = await http.SendAsync(create);
        if (created.StatusCode == HttpStatusCode.TooManyRequests)
        {
            Interlocked.Decrement(ref vcsMade);
            await Task.Delay(100);
        }
    }
}));
var idle = await ProbeAsync(TimeSpan.FromSeconds(Math.Min(10, seconds)), CancellationToken.None);
Console.WriteLine($"| flood | achieved | peak RSS MiB | alive | probe p50 ms | probe p99 ms | p99 / idle |");
Console.WriteLine($"|---|---|---|---|---|---|---|");
Console.WriteLine($"| idle | - | {Rss(server.Id):F0} | yes | {idle.P50:F2} | {idle.P99:F2} | 1.0 |");

await Flood("slowloris (3,000 held connections, partial headers)", async stop =>
{
    var held = new ConcurrentBag<Socket>();
    var accepted = 0;
    await Parallel.ForEachAsync(Enumerable.Range(0, 3000), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = stop }, async (_, token) =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, token);
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET /health HTTP/1.1\r\nHost: x\r\n"), SocketFlags.None, token);
            held.Add(socket);
            Interlocked.Increment(ref accepted);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
        }
    });
    try
    {
        await Task.Delay(Timeout.Infinite, stop);
    }
    catch (OperationCanceledException)
    {
    }

    // Connections Kestrel closed on accept (past Limits__MaxConnections) or after Limits__RequestHeadersTimeout read 0.
    var closed = 0;
    foreach (var socket in held)
    {
        closed += socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0 ? 1 : 0;
        socket.Dispose();
    }

    return $"{accepted} opened, {closed} closed by the server";
});

await Flood("negotiate flood (unauthenticated POST /hubs/ndis/negotiate)", async stop =>
{
    var codes = new ConcurrentDictionary<int, int>();
    await Many(32, stop, async http =>
    {
        using var response = await http.PostAsync(new Uri("/hubs/ndis/negotiate?negotiateVersion=1", UriKind.Relative), null, stop);
        Count(codes, response);
    });
    return Codes(codes);
});

await Flood("sandbox creation flood (one client address)", async stop =>
{
    var codes = new ConcurrentDictionary<int, int>();
    await Many(16, stop, async http =>
    {
        using var response = await http.PostAsJsonAsync("/sandboxes", new { }, stop);
        Count(codes, response);
    });
    return Codes(codes);
});

await Flood("quota flood (AF opens and routes in one sandbox)", async stop =>
{
    var codes = new ConcurrentDictionary<int, int>();
    var target = quotaTarget;
    var n = 0;
    await Many(16, stop, async http =>
    {
        var i = Interlocked.Increment(ref n);
        using var request = i % 2 == 0
            ? Request(HttpMethod.Post, target, "/client/address-families", new { addressFamily = "CO_ADDRESS_FAMILY_Q2931", clientAfContext = $"af-{i}" })
            : Request(HttpMethod.Put, target, $"/routes/47.{i}", new { outcome = "Busy" });
        using var response = await http.SendAsync(request, stop);
        Count(codes, response);
    });
    return Codes(codes);
});

await Flood("big reads (GetSandbox of a sandbox holding 20,000 VCs)", async stop =>
{
    var codes = new ConcurrentDictionary<int, int>();
    await Many(8, stop, async http =>
    {
        using var read = Request(HttpMethod.Get, bigTarget, "", null);
        using var response = await http.SendAsync(read, stop);
        Count(codes, response);
    });
    return Codes(codes);
});

await Flood("hub refusal flood (Subscribe with the key as the id, wrong keys)", async stop =>
{
    var refused = 0L;
    var connections = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
    {
        var hub = new HubConnectionBuilder().WithUrl(new Uri(baseUri, "/hubs/ndis"), o => o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets).Build();
        await hub.StartAsync(stop);
        return hub;
    }));
    await Task.WhenAll(connections.Select(async hub =>
    {
        while (!stop.IsCancellationRequested && hub.State == HubConnectionState.Connected)
        {
            try
            {
                await hub.InvokeAsync<JsonObject>("Subscribe", probe.Key, probe.Id, 0L, stop);
            }
            catch (Microsoft.AspNetCore.SignalR.HubException)
            {
                Interlocked.Increment(ref refused);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }));
    foreach (var hub in connections)
    {
        await hub.DisposeAsync();
    }

    return $"{refused} refused";
});

var alive = !server.HasExited;
Console.WriteLine();
Console.WriteLine($"process alive at the end: {(alive ? "yes" : "NO")}; 5xx answered: {fiveHundreds}; errors logged: {serverErrors.Count}");
foreach (var error in serverErrors.Take(5))
{
    Console.WriteLine("  " + error);
}

if (alive)
{
    server.Kill(entireProcessTree: true);
}

return alive && fiveHundreds == 0 && serverErrors.IsEmpty && failures.Count == 0 ? 0 : 1;

double Option(string name, double fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

async Task Flood(string name, Func<CancellationToken, Task<string>> flood)
{
    if (only is not null && !name.Contains(only, StringComparison.OrdinalIgnoreCase))
    {
        return;
    }

    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
    var peak = 0.0;
    var sampling = Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested && !server.HasExited)
        {
            peak = Math.Max(peak, Rss(server.Id));
            await Task.Delay(200);
        }
    });
    var flooding = Task.Run(() => flood(stop.Token));
    await Task.Delay(TimeSpan.FromSeconds(Math.Min(2, seconds / 4)));
    var during = await ProbeAsync(TimeSpan.FromSeconds(seconds), stop.Token);
    var achieved = await flooding;
    await sampling;
    var alive = !server.HasExited;
    var ratio = during.P99 / Math.Max(0.001, idle.P99);
    if (!alive || ratio > 3)
    {
        failures.Add(name);
    }

    Console.WriteLine($"| {name} | {achieved} | {peak:F0} | {(alive ? "yes" : "NO")} | {during.P50:F2} | {during.P99:F2} | {ratio:F1} |");

    // Let the server settle (closed connections, timers) before the next flood.
    await Task.Delay(TimeSpan.FromSeconds(3));
}

async Task<(double P50, double P99)> ProbeAsync(TimeSpan length, CancellationToken stop)
{
    var timings = new List<double>();
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed < length && !stop.IsCancellationRequested)
    {
        var one = Stopwatch.StartNew();
        try
        {
            using var request = Request(HttpMethod.Get, probe, "", null);
            using var response = await probeHttp.SendAsync(request, CancellationToken.None);
            if ((int)response.StatusCode >= 500)
            {
                Interlocked.Increment(ref fiveHundreds);
            }

            await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
        }
        catch (HttpRequestException)
        {
            timings.Add(30_000);
            continue;
        }

        timings.Add(one.Elapsed.TotalMilliseconds);
        await Task.Delay(5, CancellationToken.None);
    }

    timings.Sort();
    return timings.Count == 0 ? (0, 0) : (timings[timings.Count / 2], timings[Math.Min(timings.Count - 1, (int)(timings.Count * 0.99))]);
}

async Task Many(int workers, CancellationToken stop, Func<HttpClient, Task> step)
{
    await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
    {
        using var http = new HttpClient { BaseAddress = baseUri };
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await step(http);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
            }
        }
    }));
}

void Count(ConcurrentDictionary<int, int> codes, HttpResponseMessage response)
{
    var code = (int)response.StatusCode;
    codes.AddOrUpdate(code, 1, (_, n) => n + 1);
    if (code >= 500 && code != 503)
    {
        Interlocked.Increment(ref fiveHundreds);
    }
}

static string Codes(ConcurrentDictionary<int, int> codes) => string.Join(", ", codes.OrderBy(c => c.Key).Select(c => $"{c.Key}×{c.Value}"));

static HttpRequestMessage Request(HttpMethod method, (string Id, string Key) sandbox, string path, object? body)
{
    var request = new HttpRequestMessage(method, new Uri($"/sandboxes/{sandbox.Id}{path}", UriKind.Relative));
    request.Headers.Add("X-Sandbox-Key", sandbox.Key);
    if (body is not null)
    {
        request.Content = JsonContent.Create(body);
    }

    return request;
}

static async Task<(string Id, string Key)> CreateAsync(HttpClient http)
{
    var created = JsonNode.Parse(await (await http.PostAsJsonAsync("/sandboxes", new { })).Content.ReadAsStringAsync())!;
    return ((string)created["id"]!, (string)created["key"]!);
}

static async Task<string> PostAsync(HttpClient http, (string Id, string Key) sandbox, string path, object body)
{
    using var request = Request(HttpMethod.Post, sandbox, path, body);
    var answer = JsonNode.Parse(await (await http.SendAsync(request)).Content.ReadAsStringAsync())!;
    return (string)answer["ndisAfHandle"]!;
}
