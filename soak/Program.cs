// NdisMock soak: minutes of mixed load across many sandboxes, with subscribers that stay and subscribers that come and
// go, against a Release build of NdisMock started here on 127.0.0.1. It reports requests, 5xx, events lost or
// duplicated, and the server's memory and open files over time, and exits non-zero on any loss, duplicate, 5xx or
// memory growth trend.
//   dotnet run -c Release --project soak -- [--minutes 10] [--sandboxes 16] [--workers 4]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;
using static NdisMock.Tools.ToolSupport;

var minutes = Option("--minutes", 10.0);
var sandboxCount = (int)Option("--sandboxes", 16);
var workers = (int)Option("--workers", 4);
var root = FindRoot();
var api = Path.Combine(root, "Api", "bin", "Release", "net10.0", "NdisMock.Api.dll");
Run("dotnet", $"build -c Release \"{Path.Combine(root, "Api", "Api.csproj")}\" -v q -nologo");

var port = FreePort();
var start = new ProcessStartInfo("dotnet", $"\"{api}\"") { RedirectStandardOutput = true, RedirectStandardError = true };
foreach (var (setting, value) in LoadSettings(port))
{
    start.Environment[setting] = value;
}

var (server, serverErrors) = StartCollectingErrors(start);
var baseUri = new Uri($"http://127.0.0.1:{port}");
using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
await Ready(baseUri, "/health/ready");

long requests = 0, fiveHundreds = 0, unexpected = 0;
var stop = new CancellationTokenSource(TimeSpan.FromMinutes(minutes));
var samples = new ConcurrentQueue<(double Minute, double RssMiB, int Files)>();
var clock = Stopwatch.StartNew();
var sandboxes = new List<(string Id, string Key)>();
for (var i = 0; i < sandboxCount; i++)
{
    var created = await Json(await http.PostAsJsonAsync("/sandboxes", new { duties = "auto" }));
    sandboxes.Add(((string)created["id"]!, (string)created["key"]!));
}

var steady = sandboxes.SelectMany(s => Enumerable.Range(0, 2).Select(_ => new Follower(baseUri, s.Id, s.Key))).ToList();
foreach (var follower in steady)
{
    await follower.StartAsync(0);
}

var churners = sandboxes.Select(s => new Churner(baseUri, s.Id, s.Key)).ToList();
var tasks = new List<Task>();
tasks.AddRange(sandboxes.SelectMany(s => Enumerable.Range(0, workers).Select(w => Task.Run(() => Lifecycles(s.Id, s.Key, w)))));
tasks.AddRange(churners.Select(c => Task.Run(() => c.RunAsync(stop.Token))));
tasks.Add(Task.Run(Sample));
await Task.WhenAll(tasks);

// Let the steady followers catch up with the last events, then check they got every one exactly once, in order.
var last = new Dictionary<string, long>();
foreach (var (id, key) in sandboxes)
{
    using var request = new HttpRequestMessage(HttpMethod.Get, $"/sandboxes/{id}");
    request.Headers.Add("X-Sandbox-Key", key);
    last[id] = (long)(await Json(await http.SendAsync(request)))["counters"]!["events"]!;
}

var deadline = DateTime.UtcNow.AddSeconds(60);
while (steady.Any(f => f.Last < last[f.SandboxId]) && DateTime.UtcNow < deadline)
{
    await Task.Delay(200);
}

var lost = steady.Sum(f => Math.Max(0, last[f.SandboxId] - f.Last)) + steady.Sum(f => f.Gaps) + churners.Sum(c => c.Gaps);
var duplicated = steady.Sum(f => f.Duplicates) + churners.Sum(c => c.Duplicates);
var delivered = steady.Sum(f => f.Received) + churners.Sum(c => c.Received);
var list = samples.ToList();
var warm = list.Where(s => s.Minute >= Math.Min(1, minutes / 3)).ToList();
var slope = Slope(warm.Select(s => (s.Minute, s.RssMiB)).ToList());
server.Kill(entireProcessTree: true);

Console.WriteLine();
Console.WriteLine($"NdisMock soak, {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, {minutes} min, {sandboxCount} sandboxes × {workers} workers");
Console.WriteLine($"| requests | 5xx | unexpected statuses | events delivered | lost | duplicated | RSS start → end (max) MiB | RSS trend after warm-up | open files start → end | server errors logged |");
Console.WriteLine($"|---|---|---|---|---|---|---|---|---|---|");
Console.WriteLine($"| {requests:N0} | {fiveHundreds} | {unexpected} | {delivered:N0} | {lost} | {duplicated} | {warm.First().RssMiB:F0} → {list.Last().RssMiB:F0} ({list.Max(s => s.RssMiB):F0}) | {slope:+0.0;-0.0} MiB/min | {warm.First().Files} → {list.Last().Files} | {serverErrors.Count} |");
foreach (var error in serverErrors.Take(5))
{
    Console.WriteLine("server: " + error);
}

var growing = slope > 2.0;
return fiveHundreds == 0 && lost == 0 && duplicated == 0 && !growing && serverErrors.IsEmpty ? 0 : 1;

async Task Lifecycles(string id, string key, int worker)
{
    using var client = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
    client.DefaultRequestHeaders.Add("X-Sandbox-Key", key);
    var s = $"/sandboxes/{id}";
    var af = (string)(await Call(client, HttpMethod.Post, $"{s}/client/address-families", new { addressFamily = "Q2931", clientAfContext = $"w{worker}" }))!["ndisAfHandle"]!;
    for (var n = 0; !stop.IsCancellationRequested; n++)
    {
        var vc = (string)(await Call(client, HttpMethod.Post, $"{s}/client/address-families/{af}/vcs", new { protocolVcContext = $"w{worker}n{n}" }))!["ndisVcHandle"]!;
        var made = await Call(client, HttpMethod.Post, $"{s}/client/vcs/{vc}/call", new { });
        await Call(client, HttpMethod.Post, $"{s}/pending/{(string)made!["pendingOperationId"]!}/complete", new { status = "NDIS_STATUS_SUCCESS" });
        if (n % 7 == 0)
        {
            await Call(client, HttpMethod.Post, $"{s}/mcm/vcs/{vc}/close-call-complete", new { status = "NDIS_STATUS_SUCCESS" }, HttpStatusCode.Conflict);
        }

        var closed = await Call(client, HttpMethod.Post, $"{s}/client/vcs/{vc}/call/close", new { });
        await Call(client, HttpMethod.Post, $"{s}/mcm/vcs/{vc}/close-call-complete", new { status = "NDIS_STATUS_SUCCESS" });
        await Call(client, HttpMethod.Delete, $"{s}/client/vcs/{vc}", null);
        if (n % 50 == 0)
        {
            await Call(client, HttpMethod.Get, $"{s}/events?after={Math.Max(0, n * 10)}&limit=50", null, HttpStatusCode.Gone);
        }
    }
}

async Task<JsonNode?> Call(HttpClient client, HttpMethod method, string path, object? body, HttpStatusCode? alsoExpected = null)
{
    using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
    using var response = await client.SendAsync(request);
    Interlocked.Increment(ref requests);
    var code = (int)response.StatusCode;
    if (code >= 500)
    {
        Interlocked.Increment(ref fiveHundreds);
    }
    else if (!response.IsSuccessStatusCode && response.StatusCode != alsoExpected)
    {
        Interlocked.Increment(ref unexpected);
    }

    var text = await response.Content.ReadAsStringAsync();
    return text.Length == 0 ? null : JsonNode.Parse(text);
}

async Task Sample()
{
    while (!stop.IsCancellationRequested)
    {
        samples.Enqueue((clock.Elapsed.TotalMinutes, Rss(server.Id), Directory.GetFiles($"/proc/{server.Id}/fd").Length));
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(5), stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    samples.Enqueue((clock.Elapsed.TotalMinutes, Rss(server.Id), Directory.GetFiles($"/proc/{server.Id}/fd").Length));
}

static async Task<JsonNode> Json(HttpResponseMessage response) => JsonNode.Parse(await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync())!;

double Option(string name, double fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>Follows one sandbox for the whole run and counts gaps and duplicates.</summary>
internal sealed class Follower(Uri baseUri, string sandboxId, string key)
{
    private readonly HubConnection _hub = new HubConnectionBuilder().WithUrl(new Uri(baseUri, "/hubs/ndis")).Build();

    public string SandboxId { get; } = sandboxId;

    public long Last { get; private set; }

    public long Received { get; private set; }

    public long Gaps { get; private set; }

    public long Duplicates { get; private set; }

    public async Task StartAsync(long after)
    {
        Last = after;
        foreach (var name in EventNames.All)
        {
            _hub.On<JsonElementEvent>(name, OnEvent);
        }

        await _hub.StartAsync();
        await _hub.InvokeAsync<JsonNode>("Subscribe", SandboxId, key, after);
    }

    public Task StopAsync() => _hub.DisposeAsync().AsTask();

    private void OnEvent(JsonElementEvent e)
    {
        lock (this)
        {
            Received++;
            if (e.Sequence <= Last)
            {
                Duplicates++;
            }
            else
            {
                Gaps += e.Sequence - Last - 1;
                Last = e.Sequence;
            }
        }
    }
}

/// <summary>Connects, follows for a few seconds, drops, and reconnects from the last sequence it saw.</summary>
internal sealed class Churner(Uri baseUri, string sandboxId, string key)
{
    private long _last;

    public long Received { get; private set; }

    public long Gaps { get; private set; }

    public long Duplicates { get; private set; }

    public async Task RunAsync(CancellationToken stop)
    {
        var random = new Random(sandboxId.GetHashCode(StringComparison.Ordinal));
        while (!stop.IsCancellationRequested)
        {
            var follower = new Follower(baseUri, sandboxId, key);
            try
            {
                await follower.StartAsync(_last);
                await Task.Delay(TimeSpan.FromMilliseconds(500 + random.Next(3000)), stop);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                await follower.StopAsync();
                Received += follower.Received;
                Gaps += follower.Gaps;
                Duplicates += follower.Duplicates;
                _last = Math.Max(_last, follower.Last);
            }
        }
    }
}

/// <summary>The part of a pushed event the soak checks.</summary>
internal sealed record JsonElementEvent(long Sequence, string Name);

internal static class EventNames
{
    public static readonly string[] All =
    [
        "NdisMCmRegisterAddressFamilyEx", "ProtocolCoAfRegisterNotify", "NdisClOpenAddressFamilyEx", "ProtocolCmOpenAf", "NdisCoCreateVc", "ProtocolCoCreateVc", "NdisClMakeCall", "ProtocolCmMakeCall",
        "NdisMCmActivateVc", "NdisMCmMakeCallComplete", "ProtocolClMakeCallComplete", "NdisClCloseCall", "ProtocolCmCloseCall",
        "NdisMCmDeactivateVc", "NdisMCmCloseCallComplete", "ProtocolClCloseCallComplete", "NdisCoDeleteVc", "ProtocolCoDeleteVc",
    ];
}
