// NdisMock's benchmark. Starts NdisMock, a bare minimal-API baseline and WireMock.Net (Release, 127.0.0.1 only), loads
// them with wrk (single operations), a small C driver (whole call lifecycles, built here with gcc) and a .NET driver
// (callbacks, fan-out, memory), and prints one table of figures and ratios against the targets of issues 7 and 18.
//   dotnet run -c Release --project bench/Bench                 full run (about 17 minutes)
//   dotnet run -c Release --project bench/Bench -- --smoke      a few seconds per scenario, proves it still works
//   dotnet run -c Release --project bench/Bench -- --single     only the single operations (wrk)
//   dotnet run -c Release --project bench/Bench -- --callback   only callback latency and fan-out
//   dotnet run -c Release --project bench/Bench -- --scale      only memory and latency at 1k and 1M VCs
//   dotnet run -c Release --project bench/Bench -- --durable    only a durable node (Storage__Redis) against in-memory, and
//                                                               the in-memory build against the one before the storage seam
//   dotnet run -c Release --project bench/Bench -- --seam       only the latter
//   dotnet run -c Release --project bench/Bench -- --cluster    only a cluster of 3 nodes: lifecycles, CPU, failover
// The durable and cluster scenarios start their own redis-server (on PATH) and stop it, and every node, by pid.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using static NdisMock.Tools.ToolSupport;

var smoke = args.Contains("--smoke");
var singleOnly = args.Contains("--single");
var callbackOnly = args.Contains("--callback");
var scaleOnly = args.Contains("--scale");
var durableOnly = args.Contains("--durable");
var seamOnly = args.Contains("--seam");
var clusterOnly = args.Contains("--cluster");
var failoverRepeats = smoke ? 2 : 10;
var alternation = smoke ? "A B" : "A B A B A B, median run";
var clockTicks = ClockTicks();
var wrkSeconds = smoke ? 1 : 5;
var preCreated = smoke ? 100_000 : 500_000;
var seconds = smoke ? 2 : 10;
var connections = 16;
var callbackRounds = smoke ? 50 : 2000;
var idleVcs = smoke ? 20_000 : 1_000_000;
var sustainedMinutes = smoke ? 0.1 : 5;
var root = FindRoot();
Run("dotnet", $"build -c Release \"{Path.Combine(root, "Api", "Api.csproj")}\" -v q -nologo");
Run("dotnet", $"build -c Release \"{Path.Combine(root, "bench", "Baseline", "Baseline.csproj")}\" -v q -nologo");
Run("dotnet", $"build -c Release \"{Path.Combine(root, "bench", "WireMockHost", "WireMockHost.csproj")}\" -v q -nologo");

var driver = BuildLifecycleDriver();
var mockPort = FreePort();
var basePort = FreePort();
var wirePort = FreePort();
var mockDll = Path.Combine(root, "Api", "bin", "Release", "net10.0", "NdisMock.Api.dll");
using var mock = StartMock(mockPort);
using var baseline = Start(Path.Combine(root, "bench", "Baseline", "bin", "Release", "net10.0", "NdisMock.Bench.Baseline.dll"), "", new() { ["Urls"] = $"http://127.0.0.1:{basePort}" });
using var wiremock = Start(Path.Combine(root, "bench", "WireMockHost", "bin", "Release", "net10.0", "NdisMock.Bench.WireMockHost.dll"), wirePort.ToString(CultureInfo.InvariantCulture), []);
var gcdumpRestored = false;
using var scraper = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
var mockUri = new Uri($"http://127.0.0.1:{mockPort}");
var baseUri = new Uri($"http://127.0.0.1:{basePort}");
var wireUri = new Uri($"http://127.0.0.1:{wirePort}");
await Ready(mockUri, "/health/ready");
await Ready(baseUri, "/json", post: true);
await Ready(wireUri, "/stub", post: true);

// Warm every server's paths up first, so no measured run pays for tier-0 JIT code.
var warmSandboxes = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => NewSandbox(mockUri)));
await Load("warm-up NdisMock", mockUri, (http, w, _) => Lifecycle(http, warmSandboxes[w]), requestsPerIteration: 6, duration: TimeSpan.FromSeconds(smoke ? 1 : 3));
await Load("warm-up baseline", baseUri, async (http, _, _) => (await http.PostAsJsonAsync("/json", new { context = "x" })).IsSuccessStatusCode, duration: TimeSpan.FromSeconds(smoke ? 1 : 2));
await Load("warm-up WireMock.Net", wireUri, async (http, _, _) => (await http.PostAsync("/stub", JsonContent.Create(new { context = "x" }))).IsSuccessStatusCode, duration: TimeSpan.FromSeconds(smoke ? 1 : 2));
foreach (var s in warmSandboxes)
{
    await Send(s.Http, s, HttpMethod.Delete, "", null);
}

// The push path too: a measured callback must not wait for the hub's code to be compiled.
await CallbackLatency(1);
await CallbackLatency(10);
await BroadcastLatency();
await GroupBroadcastLatency(10);

if (durableOnly || seamOnly || clusterOnly)
{
    var rows = new List<string>();
    if (durableOnly)
    {
        rows.AddRange(await DurableRows());
    }

    if (durableOnly || seamOnly)
    {
        rows.AddRange(await SeamRows());
    }

    if (clusterOnly)
    {
        rows.AddRange(await ClusterRows());
    }

    Console.WriteLine();
    Console.WriteLine($"{Header()}, {string.Join(' ', args)}, {connections} connections");
    Console.WriteLine();
    Console.WriteLine("| measure | figure | ratio | target | met |");
    Console.WriteLine("|---|---|---|---|---|");
    rows.ForEach(Console.WriteLine);
    return 0;
}

if (callbackOnly)
{
    var alone = await CallbackLatency(1);
    var bare = await BroadcastLatency();
    Console.WriteLine($"callback latency p50 {alone.P50:F2} ms, p99 {alone.P99:F2} ms; bare broadcast p50 {bare.P50:F2} ms, p99 {bare.P99:F2} ms; ratio of p99s {alone.P99 / bare.P99:F2}");
    foreach (var n in new[] { 1, 10, 100 })
    {
        var spread = await CallbackLatency(n);
        Console.WriteLine($"fan-out to {n}: last received p50 {spread.P50:F2} ms, p99 {spread.P99:F2} ms");
        if (n == 100)
        {
            var group = await GroupBroadcastLatency(n);
            Console.WriteLine($"bare group broadcast to {n}: last received p50 {group.P50:F2} ms, p99 {group.P99:F2} ms; ratio of p99s {spread.P99 / group.P99:F2}");
        }
    }

    return 0;
}

if (scaleOnly)
{
    var (small, large, before, idle, heap) = await AtScale();
    Console.WriteLine($"make+close p50 {small.P50:F3} ms at 1k VCs, {large.P50:F3} ms at {idleVcs:N0} (ratio {large.P50 / small.P50:F2}); p99 {small.P99:F3} vs {large.P99:F3} ms; RSS {before:F0} → {idle:F0} MiB");
    Console.WriteLine($"bytes per idle VC (dotnet-gcdump): {heap}");
    return 0;
}

// 0. Single operations driven by wrk (C, a light client), so that the servers, not the client, set the pace.
var wrkRows = new List<(string Name, Stats Stats)>();
(double Baseline, double WireMock, double Mock) wrkRss = default;
if (File.Exists("/usr/bin/wrk") || File.Exists("/usr/local/bin/wrk"))
{
    var wrkDir = Path.Combine(root, "bench", "wrk");
    wrkRows.Add(("baseline JSON POST", await Wrk(baseUri, "/json", Path.Combine(wrkDir, "post.lua"), new() { ["BODY"] = """{"context":"x"}""" })));
    wrkRows.Add(("WireMock.Net stub", await Wrk(wireUri, "/stub", Path.Combine(wrkDir, "post.lua"), new() { ["BODY"] = """{"context":"x"}""" })));
    var s1 = await NewSandbox(mockUri);
    wrkRows.Add(("NdisCoCreateVc", await Wrk(mockUri, $"/sandboxes/{s1.Id}/client/address-families/{s1.Af}/vcs", Path.Combine(wrkDir, "post.lua"), new() { ["BODY"] = """{"protocolVcContext":"b"}""", ["KEY"] = s1.Key })));
    var s2 = await NewSandbox(mockUri);
    await Put(s2, "/behaviors/ProtocolCmMakeCall", new { mode = "Complete", status = "NDIS_STATUS_SUCCESS" });
    await FillVcs(s2, preCreated);
    var tag = s2.Af.Split('-')[1];
    wrkRows.Add(("NdisClMakeCall (complete at once)", await Wrk(mockUri, "/", Path.Combine(wrkDir, "sequence.lua"), new()
    {
        ["PREFIX"] = $"/sandboxes/{s2.Id}/client/vcs/vc-{tag}-", ["SUFFIX"] = "/call", ["BODY"] = "{}", ["KEY"] = s2.Key,
    })));
    var s3 = await NewSandbox(mockUri);
    await FillVcs(s3, preCreated);
    await PendCalls(s3, preCreated);
    tag = s3.Af.Split('-')[1];
    wrkRows.Add(("CompletePendingOperation", await Wrk(mockUri, "/", Path.Combine(wrkDir, "sequence.lua"), new()
    {
        ["PREFIX"] = $"/sandboxes/{s3.Id}/pending/op-{tag}-", ["SUFFIX"] = "/complete", ["BODY"] = """{"status":"NDIS_STATUS_SUCCESS"}""", ["KEY"] = s3.Key,
    })));
    wrkRss = (Rss(baseline.Id), Rss(wiremock.Id), Rss(mock.Id));
    await Send(s1.Http, s1, HttpMethod.Delete, "", null);
    await Send(s2.Http, s2, HttpMethod.Delete, "", null);
    await Send(s3.Http, s3, HttpMethod.Delete, "", null);
}
else
{
    Console.WriteLine("  wrk not found (apt-get install wrk): single operations are measured with the .NET driver only.");
}

if (singleOnly)
{
    PrintWrk();
    return 0;
}

// 1. Single operations, each worker on its own sandbox (its own VCs), against the baseline's and WireMock.Net's POST.
var basePost = await Load("baseline JSON POST", baseUri, async (http, _, _) => (await http.PostAsJsonAsync("/json", new { context = "x" })).IsSuccessStatusCode);
var wirePost = await Load("WireMock.Net stub", wireUri, async (http, _, _) => (await http.PostAsync("/stub", JsonContent.Create(new { context = "x" }))).IsSuccessStatusCode);
var sandboxes = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => NewSandbox(mockUri)));
var createVc = await Load("NdisCoCreateVc", mockUri, async (http, w, _) =>
    (await Post(http, sandboxes[w], $"/client/address-families/{sandboxes[w].Af}/vcs", new { protocolVcContext = "b" })).IsSuccessStatusCode);
foreach (var s in sandboxes)
{
    await Put(s, "/behaviors/ProtocolCmMakeCall", new { mode = "Complete", status = "NDIS_STATUS_SUCCESS" });
    await Put(s, "/behaviors/ProtocolCmCloseCall", new { mode = "Complete", status = "NDIS_STATUS_SUCCESS" });
}

var vcs = await Task.WhenAll(sandboxes.Select(s => NewVc(s)));
var makeCall = await Load("NdisClMakeCall (complete at once) + NdisClCloseCall", mockUri, async (http, w, _) =>
{
    var made = await Post(http, sandboxes[w], $"/client/vcs/{vcs[w]}/call", new { });
    var closed = await Post(http, sandboxes[w], $"/client/vcs/{vcs[w]}/call/close", new { });
    return made.IsSuccessStatusCode && closed.IsSuccessStatusCode;
}, requestsPerIteration: 2);
foreach (var s in sandboxes)
{
    await Put(s, "/behaviors/ProtocolCmMakeCall", new { mode = "Pend" });
}

var complete = await Load("NdisClMakeCall (pends) + CompletePendingOperation", mockUri, async (http, w, _) =>
{
    var made = await Json(await Post(http, sandboxes[w], $"/client/vcs/{vcs[w]}/call", new { }));
    var completed = await Post(http, sandboxes[w], $"/pending/{(string)made["pendingOperationId"]!}/complete", new { status = "NDIS_STATUS_SUCCESS" });
    await Post(http, sandboxes[w], $"/client/vcs/{vcs[w]}/call/close", new { });
    return completed.IsSuccessStatusCode;
}, requestsPerIteration: 3);
foreach (var s in sandboxes)
{
    // Each section leaves the instance as it found it: the create-VC load above left hundreds of thousands of VCs.
    await Send(s.Http, s, HttpMethod.Delete, "", null);
}

// 2. Whole outgoing-call lifecycles: across sandboxes (a sandbox per connection) and within one sandbox. The C driver
// (bench/lifecycles) is used when gcc can build it: the .NET driver costs as much CPU as the server it loads.
var lifecycleSandboxes = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => NewSandbox(mockUri)));
var shared = await NewSandbox(mockUri);
var across = await Lifecycles("lifecycles across sandboxes", lifecycleSandboxes, TimeSpan.FromSeconds(seconds));
var within = await Lifecycles("lifecycles within one sandbox", [shared], TimeSpan.FromSeconds(seconds));
foreach (var s in lifecycleSandboxes.Append(shared))
{
    await Send(s.Http, s, HttpMethod.Delete, "", null);
}

// 2b. Durable and clustered hosting: a durable node against the in-memory one, the in-memory build against the one
// before the storage seam (full run only), and a cluster of three nodes on this machine.
var hostingClock = Stopwatch.StartNew();
var hostingRows = new List<string>();
hostingRows.AddRange(await DurableRows());
hostingRows.AddRange(await SeamRows());
hostingRows.AddRange(await ClusterRows());
Console.WriteLine($"  durable, seam and cluster scenarios: {hostingClock.Elapsed.TotalSeconds:F0} s");

// 3. Callback latency: CompletePendingOperation sent → ProtocolClCloseCallComplete received, against a bare broadcast.
var callback = await CallbackLatency(1);
var broadcast = await BroadcastLatency();
var fanOut = new List<(int Subscribers, Stats Stats)>();
foreach (var n in new[] { 1, 10, 100 })
{
    fanOut.Add((n, await CallbackLatency(n)));
}

var groupBroadcast = await GroupBroadcastLatency(100);

// 4. Memory with idle VCs, and operation latency at 1k and at many VCs.
var (at1k, atMany, rssBefore, rssIdle, heapPerVc) = await AtScale();

// 5. Memory under sustained load, on an instance of its own: what the earlier loads left in the main instance's heap
// (half a million pre-created VCs, since deleted) would otherwise settle back into the figures.
var samples = new List<(double Minute, double Rss)>();
var sustainedPort = FreePort();
using (var sustained = StartMock(sustainedPort))
{
    var sustainedUri = new Uri($"http://127.0.0.1:{sustainedPort}");
    await Ready(sustainedUri, "/health/ready");
    var sustainedSandboxes = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => NewSandbox(sustainedUri)));
    var clock = Stopwatch.StartNew();
    using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(sustainedMinutes));
    var sampler = Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            samples.Add((clock.Elapsed.TotalMinutes, Rss(sustained.Id)));
            await Task.Delay(TimeSpan.FromSeconds(smoke ? 1 : 10), CancellationToken.None);
        }
    });
    await Lifecycles("sustained lifecycles", sustainedSandboxes, TimeSpan.FromMinutes(sustainedMinutes));
    await stop.CancelAsync();
    await sampler;
}

var warm = samples.Where(s => s.Minute >= sustainedMinutes / 5).ToList();
var slope = Slope(warm);

PrintWrk();
Console.WriteLine();
Console.WriteLine($"{Header()}, {connections} connections; " +
    $"lifecycles driven by {(driver is null ? "the .NET driver" : "the C driver (bench/lifecycles)")}, the rest by the .NET driver, on the same machine");
Console.WriteLine();
Console.WriteLine("| measure | figure | ratio | target | met |");
Console.WriteLine("|---|---|---|---|---|");
Console.WriteLine($"| baseline JSON POST | {basePost.Rate:N0} req/s, p50 {basePost.P50:F2} ms, p99 {basePost.P99:F2} ms | 1.00 | | |");
Console.WriteLine($"| WireMock.Net stub | {wirePost.Rate:N0} req/s, p50 {wirePost.P50:F2} ms, p99 {wirePost.P99:F2} ms | {wirePost.Rate / basePost.Rate:F2} × baseline | | |");
foreach (var (name, s) in new[] { ("NdisCoCreateVc", createVc), ("NdisClMakeCall + NdisClCloseCall (complete at once)", makeCall), ("NdisClMakeCall + CompletePendingOperation + NdisClCloseCall", complete) })
{
    var vsBase = s.Rate / basePost.Rate;
    var vsWire = s.Rate / wirePost.Rate;
    Console.WriteLine($"| {name} | {s.Rate:N0} req/s, p50 {s.P50:F2} ms, p99 {s.P99:F2} ms | {vsBase:F2} × baseline, {vsWire:F2} × WireMock.Net | ≥ 0.8 × baseline (#18); ≥ 2 × WireMock.Net (#7) | {Met(vsBase >= 0.8, smoke)} (#18); {Met(vsWire >= 2, smoke)} (#7) |");
}

// A lifecycle is six requests: at 0.8 × the bare JSON POST's rate under wrk (the lighter client), a sixth of it in calls.
var lifecycleBase = wrkRows.Count > 0 ? wrkRows[0].Stats.Rate : basePost.Rate;
var lifecycleTarget = 0.8 * lifecycleBase / 6;
var lifecycleYardstick = wrkRows.Count > 0 ? "baseline JSON POST req/s under wrk" : "baseline JSON POST req/s (.NET driver, no wrk)";

Console.WriteLine($"| lifecycles across sandboxes | {across.LifecycleRate:N0} calls/s ({across.Rate:N0} req/s, p99 {across.P99:F2} ms) | {across.LifecycleRate / (lifecycleBase / 6):F2} × ({lifecycleYardstick} ÷ 6) | ≥ 0.8 × ({lifecycleYardstick} ÷ 6) = {lifecycleTarget:N0} calls/s (#18); ≥ 10,000 calls/s (#7) | {Met(across.LifecycleRate >= lifecycleTarget, smoke)} (#18); {Met(across.LifecycleRate >= 10_000, smoke)} (#7) |");
Console.WriteLine($"| lifecycles within one sandbox | {within.LifecycleRate:N0} calls/s ({within.Rate:N0} req/s, p99 {within.P99:F2} ms) | | | |");
Console.WriteLine($"| callback latency (1 subscriber) | p50 {callback.P50:F2} ms, p99 {callback.P99:F2} ms | {callback.P99 / broadcast.P99:F2} × bare broadcast p99 | p99 ≤ 1 ms and ≤ 3 × broadcast | {Met(callback.P99 <= 1 && callback.P99 <= 3 * broadcast.P99, smoke)} |");
Console.WriteLine($"| bare SignalR broadcast (baseline) | p50 {broadcast.P50:F2} ms, p99 {broadcast.P99:F2} ms | 1.00 | | |");
foreach (var (n, s) in fanOut)
{
    Console.WriteLine(n == 100
        ? $"| fan-out to {n} subscribers | last received p50 {s.P50:F2} ms, p99 {s.P99:F2} ms | {s.P99 / groupBroadcast.P99:F2} × bare group broadcast p99 | last received p99 ≤ 2 ms and ≤ 3 × bare group broadcast to 100 | {Met(s.P99 <= 2 && s.P99 <= 3 * groupBroadcast.P99, smoke)} |"
        : $"| fan-out to {n} subscriber(s) | last received p50 {s.P50:F2} ms, p99 {s.P99:F2} ms | | | |");
}

Console.WriteLine($"| bare SignalR group broadcast to 100 clients (baseline) | last received p50 {groupBroadcast.P50:F2} ms, p99 {groupBroadcast.P99:F2} ms | 1.00 | | |");

Console.WriteLine($"| RSS with {idleVcs:N0} idle VCs (an instance of their own) | {rssIdle:F0} MiB (before filling: {rssBefore:F0} MiB) | | ≤ 512 MiB at 1,000,000 | {Met(rssIdle <= 512 && idleVcs >= 1_000_000, smoke)} |");
Console.WriteLine($"| bytes per idle VC (dotnet-gcdump: GC heap after − before filling, ÷ {idleVcs:N0}) | {heapPerVc} | | | |");
Console.WriteLine($"| make+close call p50 at 1k vs {idleVcs:N0} VCs | {at1k.P50:F2} ms vs {atMany.P50:F2} ms | {atMany.P50 / at1k.P50:F2} | ≤ 1.1 | {Met(atMany.P50 <= 1.1 * at1k.P50, smoke)} |");
Console.WriteLine($"| RSS over {sustainedMinutes} min of lifecycles (an instance of their own) | {samples.First().Rss:F0} → {samples.Last().Rss:F0} MiB, trend after warm-up {slope:+0.0;-0.0} MiB/min | | no growth trend | {Met(slope < 2, smoke)} |");
hostingRows.ForEach(Console.WriteLine);
return 0;

// When, on what and how the figures were taken: they are only comparable within one run.
string Header() => $"NdisMock benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, Release, {(smoke ? "smoke" : "full")} run";

void PrintWrk()
{
    if (wrkRows.Count == 0)
    {
        return;
    }

    var basePost = wrkRows[0].Stats;
    var wirePost = wrkRows[1].Stats;
    const string target = "≥ 0.8 × baseline, p99 ≤ 3 × baseline p99 (#18); ≥ 2 × WireMock.Net (#7)";
    Console.WriteLine();
    Console.WriteLine($"Single operations with wrk (-t2 -c{connections}, {wrkSeconds} s each; each NDIS request names a fresh VC or pending request).");
    Console.WriteLine($"RSS after them: baseline {wrkRss.Baseline:F0} MiB, WireMock.Net {wrkRss.WireMock:F0} MiB (it keeps every request it served), NdisMock {wrkRss.Mock:F0} MiB.");
    Console.WriteLine();
    Console.WriteLine("| operation | figure | ratio | target | met |");
    Console.WriteLine("|---|---|---|---|---|");
    foreach (var (name, s) in wrkRows)
    {
        var ndis = name.StartsWith("Ndis", StringComparison.Ordinal) || name.StartsWith("Complete", StringComparison.Ordinal);
        var ratio = ndis ? $"{s.Rate / basePost.Rate:F2} × baseline, p99 {s.P99 / basePost.P99:F2} × baseline p99, {s.Rate / wirePost.Rate:F2} × WireMock.Net" : $"{s.Rate / basePost.Rate:F2} × baseline";

        // Creating a VC is the one operation with an allocation budget: 2 KB a request (#18).
        var createVc = name == "NdisCoCreateVc";
        var lean = !createVc || s.AllocatedPerRequest <= 2048;
        var met18 = s.Rate >= 0.8 * basePost.Rate && s.P99 <= 3 * basePost.P99 && lean;
        var met = ndis ? $"{Met(met18, smoke)} (#18); {Met(s.Rate >= 2 * wirePost.Rate, smoke)} (#7)" : "";
        var targets = ndis ? (createVc ? target.Replace(" (#18)", ", ≤ 2,048 B allocated per request (#18)", StringComparison.Ordinal) : target) : "";
        Console.WriteLine($"| {name} | {Figure(s)} | {ratio} | {targets} | {met} |");
    }
}

async Task<Stats> Wrk(Uri uri, string path, string script, Dictionary<string, string> environment)
{
    var start = new ProcessStartInfo("wrk", $"-t2 -c{connections} -d{wrkSeconds}s --latency -s \"{script}\" {new Uri(uri, path)}") { RedirectStandardOutput = true };
    foreach (var (key, value) in environment)
    {
        start.Environment[key] = value;
    }

    start.Environment["THREADS"] = "2";
    var allocatedBefore = await AllocatedBytes(uri);
    using var wrk = Process.Start(start)!;
    var output = await wrk.StandardOutput.ReadToEndAsync();
    await wrk.WaitForExitAsync();
    var allocatedAfter = await AllocatedBytes(uri);
    double Ms(string quantile)
    {
        var match = System.Text.RegularExpressions.Regex.Match(output, $@"\s{quantile}%\s+([\d.]+)(us|ms|s)");
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    var rate = double.Parse(System.Text.RegularExpressions.Regex.Match(output, @"Requests/sec:\s+([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
    var bad = System.Text.RegularExpressions.Regex.Match(output, @"Non-2xx or 3xx responses: (\d+)");
    var requests = long.Parse(System.Text.RegularExpressions.Regex.Match(output, @"(\d+) requests in").Groups[1].Value, CultureInfo.InvariantCulture);
    var stats = new Stats(rate, Ms("50"), Ms("99"))
    {
        Failures = bad.Success ? long.Parse(bad.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
        Requests = requests,
        AllocatedPerRequest = allocatedBefore is { } b && allocatedAfter is { } a && requests > 0 ? (a - b) / requests : null,
    };
    Console.WriteLine($"  wrk {path}: {stats.Rate:N0} req/s, p50 {stats.P50:F2} ms, p99 {stats.P99:F2} ms, non-2xx {stats.Failures}{Allocation(stats)}");
    return stats;
}

// The bytes the server has allocated so far, from the System.Runtime meter NdisMock exports at /metrics (the baseline
// answers the same figure at /allocated); null for a server that exports none (WireMock.Net, builds from before the
// meter), whose rows then print no figure.
async Task<double?> AllocatedBytes(Uri uri)
{
    if (uri == wireUri)
    {
        return null;
    }

    if (uri == baseUri)
    {
        return double.Parse(await scraper.GetStringAsync(new Uri(uri, "/allocated")), CultureInfo.InvariantCulture);
    }

    try
    {
        using var answer = await scraper.GetAsync(new Uri(uri, "/metrics"));
        if (!answer.IsSuccessStatusCode)
        {
            return null;
        }

        var match = System.Text.RegularExpressions.Regex.Match(await answer.Content.ReadAsStringAsync(),
            @"^dotnet_gc_heap_total_allocated_bytes_total\{[^}]*\}\s+(\S+)", System.Text.RegularExpressions.RegexOptions.Multiline);
        return match.Success && double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var bytes) ? bytes : null;
    }
    catch (HttpRequestException)
    {
        return null;
    }
}

string? BuildLifecycleDriver()
{
    var output = Path.Combine(root, "bench", "lifecycles", "bin", "lifecycles");
    Directory.CreateDirectory(Path.GetDirectoryName(output)!);
    try
    {
        Run("gcc", $"-O2 -Wall -Wextra -Werror -pthread \"{Path.Combine(root, "bench", "lifecycles", "lifecycles.c")}\" -o \"{output}\"");
        return output;
    }
    catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
    {
        Console.WriteLine($"  gcc could not build the lifecycle driver ({e.Message}): lifecycles are driven by the .NET driver.");
        return null;
    }
}

// Whole call lifecycles over these sandboxes (connection i on sandbox i mod n), by the C driver when gcc built it.
Task<Stats> Lifecycles(string name, Sandbox[] over, TimeSpan duration) => driver is null
    ? Load(name, over[0].Http.BaseAddress!, (http, w, _) => Lifecycle(http, over[w % over.Length]), requestsPerIteration: 6, duration: duration)
    : DriveLifecycles(name, driver, over, duration);

// Connection i on port i mod n when ports are given (a cluster's nodes); warmUp: seconds run before counting starts.
async Task<Stats> DriveLifecycles(string name, string driverPath, Sandbox[] over, TimeSpan duration, int[]? ports = null, double? warmUpSeconds = null)
{
    var warmUp = warmUpSeconds ?? (smoke ? 0.3 : 2);
    var triples = string.Join(';', over.Select(s => $"{s.Id} {s.Key} {s.Af}"));
    var start = new ProcessStartInfo(driverPath) { RedirectStandardOutput = true };
    var portList = string.Join(',', (ports ?? [over[0].Http.BaseAddress!.Port]).Select(p => p.ToString(CultureInfo.InvariantCulture)));
    foreach (var argument in new[] { "127.0.0.1", portList, connections.ToString(CultureInfo.InvariantCulture), "1",
        warmUp.ToString(CultureInfo.InvariantCulture), duration.TotalSeconds.ToString(CultureInfo.InvariantCulture), triples })
    {
        start.ArgumentList.Add(argument);
    }

    using var process = Process.Start(start)!;
    var output = await process.StandardOutput.ReadToEndAsync();
    await process.WaitForExitAsync();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"The lifecycle driver failed: {output}");
    }

    long Field(string key) => long.Parse(System.Text.RegularExpressions.Regex.Match(output, $@"\b{key}=(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
    var requests = Field("requests");
    var stats = new Stats(requests / duration.TotalSeconds, Field("p50_us") / 1000.0, Field("p99_us") / 1000.0) { Failures = Field("non2xx"), Lifecycles = Field("lifecycles") / duration.TotalSeconds };
    Console.WriteLine($"  {name}: {stats.LifecycleRate:N0} lifecycles/s, {stats.Rate:N0} req/s, p50 {stats.P50:F2} ms, p99 {stats.P99:F2} ms, non-2xx {stats.Failures}");
    return stats;
}

bool HasWrk() => OnPath("wrk") is not null;

// 2b-1. A durable node (its own redis-server) against the in-memory node, the same wrk loads on both in this run.
async Task<List<string>> DurableRows()
{
    const string target = "≥ 0.5 × in-memory, p99 ≤ 5 ms";
    if (!HasWrk() || OnPath("redis-server") is null)
    {
        return [$"| durable node (Storage__Redis) | not measured: {(HasWrk() ? "redis-server" : "wrk")} not found on PATH | | {target} | no |"];
    }

    var redis = await StartRedis();
    try
    {
        var port = FreePort();
        using var durable = StartMock(port, new() { ["Storage__Redis"] = $"127.0.0.1:{redis.Port}" });
        var uri = new Uri($"http://127.0.0.1:{port}");
        await Ready(uri, "/health/ready");
        await WarmUp("durable node", uri);
        var rows = new List<string>();
        foreach (var (name, measure) in new (string, Func<Uri, Task<Stats>>)[] { ("NdisCoCreateVc", WrkCreateVc), ("NdisClMakeCall + NdisClCloseCall (complete at once)", WrkMakeClose) })
        {
            var (memory, stored) = await Alternate(name, "in memory", mockUri, "durable", uri, measure);
            var ratio = stored.Rate / memory.Rate;
            rows.Add($"| durable node: {name} (wrk, {alternation}) | {Figure(stored)} (in memory: {Figure(memory)}) | {ratio:F2} × in-memory | {target} | {Met(ratio >= 0.5 && stored.P99 <= 5, smoke)} |");
        }

        return rows;
    }
    finally
    {
        redis.Server.Dispose();
        DeleteDirectory(redis.Dir);
    }
}

// 2b-2. The storage seam costs nothing when unused: today's in-memory build against b820957 (the commit before durable
// storage), both fresh, warmed alike, the same wrk loads alternating A B A B.
async Task<List<string>> SeamRows()
{
    const string seam = "b820957";
    const string target = "≥ 0.95";
    const string name = $"the seam is free: in-memory today / {seam} (before storage)";
    if (smoke)
    {
        return [$"| {name} | skipped in the smoke run (full run, --durable or --seam) | | {target} | (smoke) |"];
    }

    if (!HasWrk() || OnPath("git") is null)
    {
        return [$"| {name} | not measured: {(HasWrk() ? "git" : "wrk")} not found on PATH | | {target} | no |"];
    }

    var dir = Path.Combine(Path.GetTempPath(), $"ndismock-{seam}-{Guid.NewGuid():N}");
    try
    {
        try
        {
            Run("git", $"-C \"{root}\" worktree add --detach \"{dir}\" {seam}");
            Run("dotnet", $"build -c Release \"{Path.Combine(dir, "Api", "Api.csproj")}\" -v q -nologo");
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return [$"| {name} | not measured: the build of {seam} is unavailable ({e.Message}) | | {target} | no |"];
        }

        var (todayPort, beforePort) = (FreePort(), FreePort());
        using var today = StartMock(todayPort);
        using var before = StartMock(beforePort, dll: Path.Combine(dir, "Api", "bin", "Release", "net10.0", "NdisMock.Api.dll"));
        var (todayUri, beforeUri) = (new Uri($"http://127.0.0.1:{todayPort}"), new Uri($"http://127.0.0.1:{beforePort}"));
        await Ready(todayUri, "/health/ready");
        await Ready(beforeUri, "/health/ready");
        await WarmUp("today's build", todayUri);
        await WarmUp($"{seam}", beforeUri);
        var rows = new List<string>();
        foreach (var (operation, measure) in new (string, Func<Uri, Task<Stats>>)[] { ("NdisCoCreateVc", WrkCreateVc), ("NdisClMakeCall + NdisClCloseCall (complete at once)", WrkMakeClose) })
        {
            var (now, then) = await Alternate(operation, "today's build", todayUri, seam, beforeUri, measure);
            var ratio = now.Rate / then.Rate;
            rows.Add($"| {name}: {operation} (wrk, {alternation}) | today {Figure(now)}; {seam} {Figure(then)} | {ratio:F2} | {target} | {Met(ratio >= 0.95)} |");
        }

        return rows;
    }
    finally
    {
        if (Directory.Exists(dir))
        {
            try
            {
                Run("git", $"-C \"{root}\" worktree remove --force \"{dir}\"");
            }
            catch (InvalidOperationException)
            {
                DeleteDirectory(dir);
                Run("git", $"-C \"{root}\" worktree prune");
            }
        }
    }
}

// 2b-3. Three cluster nodes and their redis-server on this machine: lifecycles with the connections spread over the
// nodes and the CPU they cost, against the in-memory node measured the same way; then failover after a SIGKILL.
async Task<List<string>> ClusterRows()
{
    const string failoverTarget = "p99 ≤ 5 s";
    if (OnPath("redis-server") is null)
    {
        return [$"| cluster of 3 nodes | not measured: redis-server not found on PATH | | {failoverTarget} | no |"];
    }

    var redis = await StartRedis();
    var nodes = new List<Node>();
    try
    {
        for (var i = 0; i < 3; i++)
        {
            nodes.Add(StartNode(redis.Port));
        }

        await Task.WhenAll(nodes.Select(n => Ready(n.Uri, "/health/ready")));
        var rows = new List<string>();
        if (driver is null)
        {
            rows.Add("| cluster of 3: lifecycles across sandboxes | not measured: needs the C driver (gcc) | | | |");
        }
        else
        {
            var single = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => NewSandbox(mockUri)));
            var memory = await CpuPerLifecycle("in-memory single node", single, [mockUri.Port], [mock.Id]);

            // A durable node alone on the same redis-server: what of the cluster's cost is the log, what is the cluster.
            var durablePort = FreePort();
            (Stats Stats, double CpuMs) stored;
            using (var durable = StartMock(durablePort, new() { ["Storage__Redis"] = $"127.0.0.1:{redis.Port}" }))
            {
                var durableUri = new Uri($"http://127.0.0.1:{durablePort}");
                await Ready(durableUri, "/health/ready");
                var alone = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => NewSandbox(durableUri)));
                stored = await CpuPerLifecycle("durable single node", alone, [durablePort], [durable.Id]);
            }

            var spread = await Task.WhenAll(Enumerable.Range(0, connections).Select(i => NewSandbox(nodes[i % nodes.Count].Uri)));
            var cluster = await CpuPerLifecycle("cluster of 3", spread, [.. nodes.Select(n => n.Uri.Port)], [.. nodes.Select(n => n.Server.Id)]);
            foreach (var s in single)
            {
                await Send(s.Http, s, HttpMethod.Delete, "", null);
            }

            rows.Add($"| cluster of 3 on one machine: lifecycles across sandboxes (connection i on node i mod 3) | {cluster.Stats.LifecycleRate:N0} calls/s ({cluster.Stats.Rate:N0} req/s, p99 {cluster.Stats.P99:F2} ms{NonSuccess(cluster.Stats)}), {cluster.CpuMs:F3} ms CPU per lifecycle (sum of the 3 nodes, not redis-server) | {cluster.Stats.LifecycleRate / memory.Stats.LifecycleRate:F2} × in-memory calls/s, {cluster.CpuMs / memory.CpuMs:F2} × in-memory CPU per lifecycle | none set | |");
            rows.Add($"| durable single node (Storage__Redis, not clustered), the same way | {stored.Stats.LifecycleRate:N0} calls/s ({stored.Stats.Rate:N0} req/s, p99 {stored.Stats.P99:F2} ms{NonSuccess(stored.Stats)}), {stored.CpuMs:F3} ms CPU per lifecycle (node only, not redis-server) | {stored.Stats.LifecycleRate / memory.Stats.LifecycleRate:F2} × in-memory calls/s, {stored.CpuMs / memory.CpuMs:F2} × in-memory CPU per lifecycle | none set | |");
            rows.Add($"| in-memory single node, the same way | {memory.Stats.LifecycleRate:N0} calls/s ({memory.Stats.Rate:N0} req/s, p99 {memory.Stats.P99:F2} ms{NonSuccess(memory.Stats)}), {memory.CpuMs:F3} ms CPU per lifecycle | 1.00 | | |");
        }

        var times = new List<double>();
        var lost = 0;
        for (var round = 0; round < failoverRepeats; round++)
        {
            var via = nodes[round % nodes.Count];
            var s = await NewSandbox(via.Uri);
            var host = await HostOf(nodes, s.Id);
            var vc = await NewVc(s);
            (await Post(s.Http, s, $"/client/vcs/{vc}/call", new { })).EnsureSuccessStatusCode();
            var other = nodes.FirstOrDefault(n => n != host && n != via) ?? nodes.First(n => n != host);
            using var http = new HttpClient { BaseAddress = other.Uri, Timeout = TimeSpan.FromSeconds(20) };
            var clock = Stopwatch.StartNew();
            host.Server.Dispose();
            nodes.Remove(host);
            var answered = false;
            while (!answered && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                try
                {
                    answered = (await Post(http, s, $"/client/address-families/{s.Af}/vcs", new { protocolVcContext = "f" })).StatusCode == System.Net.HttpStatusCode.Created;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }

                if (!answered)
                {
                    await Task.Delay(10);
                }
            }

            var seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"  failover {round + 1}: sandbox {s.Id} on port {host.Uri.Port} killed, {(answered ? "first 201" : "no 201")} via port {other.Uri.Port} after {seconds:F2} s");
            times.Add(seconds);
            lost += answered ? 0 : 1;
            s.Http.Dispose();
            var fresh = StartNode(redis.Port);
            nodes.Add(fresh);
            await Ready(fresh.Uri, "/health/ready");
        }

        times.Sort();
        var p50 = times[times.Count / 2];
        var p99 = times[Math.Min(times.Count - 1, (int)(0.99 * times.Count))];
        var few = times.Count < 100 ? $" (with {times.Count} samples p99 = max)" : "";
        rows.Add($"| cluster failover: SIGKILL of the hosting node → first 201 NdisCoCreateVc via another node, {times.Count} times | p50 {p50:F2} s, p99 {p99:F2} s{few}{(lost > 0 ? $", {lost} never answered in 30 s" : "")} | | {failoverTarget} | {Met(p99 <= 5 && lost == 0, smoke)} |");
        return rows;
    }
    finally
    {
        foreach (var n in nodes)
        {
            n.Server.Dispose();
        }

        redis.Server.Dispose();
        DeleteDirectory(redis.Dir);
    }
}

Node StartNode(int redisPort)
{
    var port = FreePort();
    var log = new ConcurrentQueue<string>();
    var server = StartMock(port, new()
    {
        ["Storage__Redis"] = $"127.0.0.1:{redisPort}",
        ["Cluster__Enabled"] = "true",
        ["Cluster__AdvertisedAddress"] = "127.0.0.1",
        ["Cluster__SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
        ["Logging__LogLevel__NdisMock.Api.Sandboxes.SandboxStore"] = "Information",
        ["Logging__LogLevel__NdisMock.Api.Durability.DurableSandboxes"] = "Information",
    }, log.Enqueue);
    return new Node(server, new Uri($"http://127.0.0.1:{port}"), log);
}

// The node a sandbox is hosted on: the one that logged its creation or its rebuild.
async Task<Node> HostOf(List<Node> nodes, string id)
{
    for (var attempt = 0; attempt < 200; attempt++)
    {
        var host = nodes.FirstOrDefault(n => n.Log.Any(l => l.Contains($"Sandbox {id} created", StringComparison.Ordinal) || l.Contains($"Sandbox {id} rebuilt from", StringComparison.Ordinal)));
        if (host is not null)
        {
            return host;
        }

        await Task.Delay(50);
    }

    throw new InvalidOperationException($"No node logged hosting sandbox {id}.");
}

// Lifecycles after a warm-up run of their own, counted from the first: the nodes' CPU time (utime + stime) over the
// measured run divided by the lifecycles it did.
async Task<(Stats Stats, double CpuMs)> CpuPerLifecycle(string name, Sandbox[] over, int[] ports, int[] pids)
{
    await DriveLifecycles($"warm-up {name}", driver!, over, TimeSpan.FromSeconds(smoke ? 1 : 3), ports, 0);
    var before = pids.Sum(CpuSeconds);
    var duration = TimeSpan.FromSeconds(seconds);
    var stats = await DriveLifecycles(name, driver!, over, duration, ports, 0);
    var cpu = pids.Sum(CpuSeconds) - before;
    var cpuMs = cpu * 1000 / (stats.LifecycleRate * duration.TotalSeconds);
    Console.WriteLine($"  {name}: {cpu:F2} s CPU, {cpuMs:F3} ms per lifecycle");
    return (stats, cpuMs);
}

async Task WarmUp(string name, Uri uri)
{
    var warm = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => NewSandbox(uri)));
    await Load($"warm-up {name}", uri, (http, w, _) => Lifecycle(http, warm[w]), requestsPerIteration: 6, duration: TimeSpan.FromSeconds(smoke ? 1 : 3));
    foreach (var s in warm)
    {
        await Send(s.Http, s, HttpMethod.Delete, "", null);
    }
}

// The same wrk load on two servers alternately, A B A B A B (A B in the smoke run), so that whatever else the two
// cores do meanwhile weighs on both; each side's median run (by rate), so one disturbed run does not decide.
async Task<(Stats A, Stats B)> Alternate(string operation, string nameA, Uri a, string nameB, Uri b, Func<Uri, Task<Stats>> measure)
{
    var (onA, onB) = (new List<Stats>(), new List<Stats>());
    var rounds = smoke ? 1 : 3;
    for (var round = 0; round < rounds; round++)
    {
        Console.WriteLine($"  {operation}: {nameA}, then {nameB} (round {round + 1} of {rounds})");
        onA.Add(await measure(a));
        onB.Add(await measure(b));
    }

    return (Median(onA), Median(onB));
}

async Task<Stats> WrkCreateVc(Uri uri)
{
    var s = await NewSandbox(uri);
    var stats = await Wrk(uri, $"/sandboxes/{s.Id}/client/address-families/{s.Af}/vcs", Path.Combine(root, "bench", "wrk", "post.lua"), new() { ["BODY"] = """{"protocolVcContext":"b"}""", ["KEY"] = s.Key });
    await Send(s.Http, s, HttpMethod.Delete, "", null);
    return stats;
}

// Make and close alternately on a pool of VCs (bench/wrk/makeclose.lua): 4096 per wrk thread, created beforehand.
async Task<Stats> WrkMakeClose(Uri uri)
{
    const int pool = 4096;
    var s = await CompletingSandbox(uri);
    await FillVcs(s, 2 * pool);
    var stats = await Wrk(uri, "/", Path.Combine(root, "bench", "wrk", "makeclose.lua"), new()
    {
        ["PREFIX"] = $"/sandboxes/{s.Id}/client/vcs/vc-{s.Af.Split('-')[1]}-", ["KEY"] = s.Key, ["POOL"] = pool.ToString(CultureInfo.InvariantCulture), ["LAG"] = "1024",
    });
    await Send(s.Http, s, HttpMethod.Delete, "", null);
    return stats;
}

// A redis-server of the scenario's own: AOF on (fsync every second, Redis's default), no snapshots, in a temp dir.
async Task<(Child Server, int Port, string Dir)> StartRedis()
{
    var port = FreePort();
    var dir = Directory.CreateTempSubdirectory("ndismock-redis-").FullName;
    var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var argument in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--dir", dir })
    {
        start.ArgumentList.Add(argument);
    }

    var process = Process.Start(start)!;
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, _) => { };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    var server = new Child(process);
    for (var attempt = 0; attempt < 100; attempt++)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            if (System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
            {
                return (server, port, dir);
            }
        }
        catch (System.Net.Sockets.SocketException)
        {
        }

        await Task.Delay(100);
    }

    server.Dispose();
    DeleteDirectory(dir);
    throw new InvalidOperationException("redis-server did not start.");
}

static string Figure(Stats s) => $"{s.Rate:N0} req/s, p50 {s.P50:F2} ms, p99 {s.P99:F2} ms{NonSuccess(s)}{Allocation(s)}";

static string Allocation(Stats s) => s.AllocatedPerRequest is { } bytes ? $", {bytes:N0} B allocated per request" : "";

static string NonSuccess(Stats s) => s.Failures > 0 ? $", {s.Failures} non-2xx" : "";

static Stats Median(List<Stats> runs) => runs.OrderBy(r => r.Rate).ElementAt(runs.Count / 2);

static string? OnPath(string tool) =>
    (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

static void DeleteDirectory(string dir)
{
    try
    {
        Directory.Delete(dir, recursive: true);
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        Console.WriteLine($"  could not delete {dir}: {e.Message}");
    }
}

// A process's CPU time (utime + stime) in seconds, from /proc/<pid>/stat in clock ticks.
double CpuSeconds(int pid)
{
    var stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / clockTicks;
}

async Task PendCalls(Sandbox s, int count)
{
    var tag = s.Af.Split('-')[1];
    var next = 0L;
    await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
    {
        using var http = new HttpClient { BaseAddress = mockUri };
        long n;
        while ((n = Interlocked.Increment(ref next)) <= count)
        {
            (await Post(http, s, $"/client/vcs/vc-{tag}-{n}/call", new { })).EnsureSuccessStatusCode();
        }
    }));
}

async Task<bool> Lifecycle(HttpClient http, Sandbox s)
{
    var vc = (string)(await Json(await Post(http, s, $"/client/address-families/{s.Af}/vcs", new { protocolVcContext = "l" })))["ndisVcHandle"]!;
    var made = await Json(await Post(http, s, $"/client/vcs/{vc}/call", new { }));
    await Post(http, s, $"/pending/{(string)made["pendingOperationId"]!}/complete", new { status = "NDIS_STATUS_SUCCESS" });
    var closed = await Json(await Post(http, s, $"/client/vcs/{vc}/call/close", new { }));
    await Post(http, s, $"/pending/{(string)closed["pendingOperationId"]!}/complete", new { status = "NDIS_STATUS_SUCCESS" });
    return (await Send(http, s, HttpMethod.Delete, $"/client/vcs/{vc}", null)).IsSuccessStatusCode;
}

async Task<Stats> CallbackLatency(int subscribers)
{
    var s = await NewSandbox(mockUri);
    var vc = await NewVc(s);
    var hubs = new List<HubConnection>();
    var completed = new Arrivals();
    var settled = new Arrivals();
    for (var i = 0; i < subscribers; i++)
    {
        var hub = WebSocketHub(new Uri(mockUri, "/hubs/ndis"));
        hub.On<JsonObject>("ProtocolClCloseCallComplete", _ => completed.Arrived());

        // The close call's last event: once every subscriber has it, none is still busy with the round's earlier events.
        hub.On<JsonObject>("ProtocolCmCloseCall", _ => settled.Arrived());
        await hub.StartAsync();
        await hub.InvokeAsync<JsonObject>("Subscribe", s.Id, s.Key, (long)(await Json(await Send(s.Http, s, HttpMethod.Get, "", null)))["counters"]!["events"]!);
        hubs.Add(hub);
    }

    var latencies = new List<double>();
    for (var round = 0; round < callbackRounds / Math.Max(1, subscribers / 10); round++)
    {
        var made = await Json(await Post(s.Http, s, $"/client/vcs/{vc}/call", new { }));
        await Post(s.Http, s, $"/pending/{(string)made["pendingOperationId"]!}/complete", new { status = "NDIS_STATUS_SUCCESS" });
        settled.Expect(subscribers);
        var closed = await Json(await Post(s.Http, s, $"/client/vcs/{vc}/call/close", new { }));
        await settled.AllAsync();
        completed.Expect(subscribers);
        var sent = Stopwatch.GetTimestamp();
        await Post(s.Http, s, $"/pending/{(string)closed["pendingOperationId"]!}/complete", new { status = "NDIS_STATUS_SUCCESS" });
        await completed.AllAsync();
        latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
    }

    foreach (var hub in hubs)
    {
        await hub.DisposeAsync();
    }

    return Stats.Of(latencies, 0, TimeSpan.Zero);
}

async Task<Stats> BroadcastLatency()
{
    using var http = new HttpClient { BaseAddress = baseUri };
    var hub = WebSocketHub(new Uri(baseUri, "/hub"));
    TaskCompletionSource? received = null;
    hub.On<long>("Ping", _ => received?.TrySetResult());
    await hub.StartAsync();
    var latencies = new List<double>();
    for (var round = 0; round < callbackRounds; round++)
    {
        received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sent = Stopwatch.GetTimestamp();
        (await http.PostAsync($"/broadcast?sent={sent}", null)).EnsureSuccessStatusCode();
        await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
    }

    await hub.DisposeAsync();
    return Stats.Of(latencies, 0, TimeSpan.Zero);
}

// The fan-out's yardstick: the baseline sends to a SignalR group its clients joined, timed from the send to the last of
// them receiving, with the clients, the transport and the rounds of CallbackLatency(clients).
async Task<Stats> GroupBroadcastLatency(int clients)
{
    using var http = new HttpClient { BaseAddress = baseUri };
    var group = $"g{Guid.NewGuid():N}";
    var hubs = new List<HubConnection>();
    var received = new Arrivals();
    for (var i = 0; i < clients; i++)
    {
        var hub = WebSocketHub(new Uri(baseUri, "/hub"));
        hub.On<long>("Ping", _ => received.Arrived());
        await hub.StartAsync();
        await hub.InvokeAsync("Join", group);
        hubs.Add(hub);
    }

    var latencies = new List<double>();
    for (var round = 0; round < callbackRounds / Math.Max(1, clients / 10); round++)
    {
        received.Expect(clients);
        var sent = Stopwatch.GetTimestamp();
        (await http.PostAsync($"/broadcast/{group}?sent={sent}", null)).EnsureSuccessStatusCode();
        await received.AllAsync();
        latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
    }

    foreach (var hub in hubs)
    {
        await hub.DisposeAsync();
    }

    return Stats.Of(latencies, 0, TimeSpan.Zero);
}

// A SignalR client over WebSockets without negotiation, as every push measurement connects.
static HubConnection WebSocketHub(Uri url) =>
    new HubConnectionBuilder().WithUrl(url, o => { o.Transports = HttpTransportType.WebSockets; o.SkipNegotiation = true; }).Build();

async Task FillVcs(Sandbox s, int target)
{
    var have = (long)(await Json(await Send(s.Http, s, HttpMethod.Get, "", null)))["counters"]!["vcs"]!;
    var left = target - have;
    var next = 0L;
    await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
    {
        using var http = new HttpClient { BaseAddress = s.Http.BaseAddress };
        while (Interlocked.Increment(ref next) <= left)
        {
            (await Post(http, s, $"/client/address-families/{s.Af}/vcs", new { })).EnsureSuccessStatusCode();
        }
    }));
}

// NdisMock as the container runs it: its GC knobs that only the environment can set (the Dockerfile's DOTNET_GC* lines),
// and workstation GC spelt out too, so that an older build with other GC settings in its runtimeconfig (the seam's
// b820957) is measured on the same collector and only the code differs.
Child StartMock(int port, Dictionary<string, string>? extra = null, Action<string>? onLine = null, string? dll = null)
{
    var settings = LoadSettings(port);
    settings["DOTNET_gcServer"] = "0";
    foreach (System.Text.RegularExpressions.Match knob in System.Text.RegularExpressions.Regex.Matches(
        File.ReadAllText(Path.Combine(root, "Dockerfile")), @"\b(DOTNET_GC\w+)=(\S+)"))
    {
        settings[knob.Groups[1].Value] = knob.Groups[2].Value;
    }

    settings["Sandboxes__MaxVcsPerSandbox"] = "2000000";
    settings["Sandboxes__MaxPendingOperationsPerSandbox"] = "1000000";
    foreach (var (key, value) in extra ?? [])
    {
        settings[key] = value;
    }

    return Start(dll ?? mockDll, "", settings, onLine);
}

// Two fresh instances of the same build, one holding 1k VCs and one holding many: the RSS is what the VCs cost, not
// what the earlier loads left in the heap, and the probes alternate between the two in short blocks, so that whatever
// else the machine does in the meantime weighs on both figures alike.
// The large instance's heap is dumped before the fill and after the probes (still idle VCs, the probes' journal
// entries bounded long before): what the VCs cost in objects, besides what they cost in RSS.
async Task<(Stats At1k, Stats AtMany, double RssBefore, double RssIdle, string HeapPerVc)> AtScale()
{
    var small = await ScaleInstance();
    var large = await ScaleInstance();
    try
    {
        await FillVcs(small.Sandbox, 1000);
        var before = await SettledRss(large.Server.Id);
        var heapBefore = await TryGcDump(large.Server.Id);
        await FillVcs(large.Sandbox, idleVcs);
        // Let the server finish what the fill set going (its background GC of the grown heap) before measuring it idle.
        var idle = await SettledRss(large.Server.Id);
        var (at1k, atMany) = (new List<double>(), new List<double>());
        for (var block = 0; block < (smoke ? 20 : 500); block++)
        {
            at1k.AddRange(await ProbeLatencies(small.Sandbox, small.Vc, 10));
            atMany.AddRange(await ProbeLatencies(large.Sandbox, large.Vc, 10));
        }

        var heapAfter = heapBefore.Dump is null ? heapBefore : await TryGcDump(large.Server.Id);
        return (Stats.Of(at1k, 0, TimeSpan.Zero), Stats.Of(atMany, 0, TimeSpan.Zero), before, idle, HeapGrowth(heapBefore, heapAfter, idleVcs));
    }
    finally
    {
        small.Server.Dispose();
        large.Server.Dispose();
    }
}

// A gcdump of the process (dotnet-gcdump, the repository's local tool, restored on first use), or why there is none: a
// tool that cannot run must not cost the rest of the run.
async Task<(HeapDump? Dump, string? Failure)> TryGcDump(int pid)
{
    var file = Path.Combine(Path.GetTempPath(), $"ndismock-{pid}-{Guid.NewGuid():N}.gcdump");
    try
    {
        if (!gcdumpRestored)
        {
            await DotnetTool(TimeSpan.FromMinutes(5), "tool", "restore");
            gcdumpRestored = true;
        }

        await DotnetTool(TimeSpan.FromMinutes(10), "dotnet-gcdump", "collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", file);
        var report = await DotnetTool(TimeSpan.FromMinutes(10), "dotnet-gcdump", "report", file);
        var dump = HeapDump.Parse(report);
        return dump.Total > 0 ? (dump, null) : (null, "dotnet-gcdump report printed no heap size");
    }
    catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException or TimeoutException)
    {
        return (null, e.Message);
    }
    finally
    {
        if (File.Exists(file))
        {
            File.Delete(file);
        }
    }
}

// dotnet with these arguments from the repository's root (where the tool manifest is found): its standard output.
async Task<string> DotnetTool(TimeSpan limit, params string[] arguments)
{
    var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }

    using var process = Process.Start(start)!;
    var output = process.StandardOutput.ReadToEndAsync();
    var errors = process.StandardError.ReadToEndAsync();
    using var timeout = new CancellationTokenSource(limit);
    try
    {
        await process.WaitForExitAsync(timeout.Token);
    }
    catch (OperationCanceledException)
    {
        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"dotnet {arguments[0]} {arguments.ElementAtOrDefault(1)} took over {limit.TotalMinutes:F0} min");
    }

    if (process.ExitCode != 0)
    {
        var said = (await errors + await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        throw new InvalidOperationException($"dotnet {arguments[0]} {arguments.ElementAtOrDefault(1)} exited with {process.ExitCode}: {said}");
    }

    return await output;
}

// The heap's growth over the fill, per VC, and the three types that grew most; or why it was not measured.
static string HeapGrowth((HeapDump? Dump, string? Failure) before, (HeapDump? Dump, string? Failure) after, int vcs)
{
    if (before.Dump is not { } b || after.Dump is not { } a)
    {
        return $"not measured ({before.Failure ?? after.Failure})";
    }

    const double mib = 1024 * 1024;
    var grown = a.ByType.Select(t => (Type: t.Key, Bytes: t.Value - b.ByType.GetValueOrDefault(t.Key))).OrderByDescending(t => t.Bytes).Take(3);
    return $"{(a.Total - b.Total) / (double)vcs:N0} B per VC (GC heap {b.Total / mib:F1} → {a.Total / mib:F1} MiB); grew most: " +
        string.Join(", ", grown.Select(t => $"{t.Type} +{t.Bytes / mib:F1} MiB"));
}

// A fresh NdisMock with its create and make/close paths warmed up (so no figure pays for tier-0 JIT code), and a
// sandbox whose make and close complete at once, with the VC the probes call on.
async Task<(Child Server, Sandbox Sandbox, string Vc)> ScaleInstance()
{
    var port = FreePort();
    var server = StartMock(port);
    var uri = new Uri($"http://127.0.0.1:{port}");
    await Ready(uri, "/health/ready");
    var warm = await CompletingSandbox(uri);
    await FillVcs(warm, smoke ? 2000 : 20_000);
    var warmVc = await NewVc(warm);
    for (var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * (smoke ? 1 : 5); Stopwatch.GetTimestamp() < until;)
    {
        await ProbeLatencies(warm, warmVc, 100);
    }

    await Send(warm.Http, warm, HttpMethod.Delete, "", null);
    var sandbox = await CompletingSandbox(uri);
    return (server, sandbox, await NewVc(sandbox));
}

async Task<Sandbox> CompletingSandbox(Uri uri)
{
    var sandbox = await NewSandbox(uri);
    await Put(sandbox, "/behaviors/ProtocolCmMakeCall", new { mode = "Complete", status = "NDIS_STATUS_SUCCESS" });
    await Put(sandbox, "/behaviors/ProtocolCmCloseCall", new { mode = "Complete", status = "NDIS_STATUS_SUCCESS" });
    return sandbox;
}

async Task<double> SettledRss(int pid)
{
    var last = Rss(pid);
    for (var i = 0; i < 30; i++)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        var now = Rss(pid);
        if (Math.Abs(now - last) < 0.01 * last)
        {
            return now;
        }

        last = now;
    }

    return last;
}

async Task<List<double>> ProbeLatencies(Sandbox s, string vc, int rounds)
{
    var latencies = new List<double>(rounds);
    for (var i = 0; i < rounds; i++)
    {
        var started = Stopwatch.GetTimestamp();
        await Post(s.Http, s, $"/client/vcs/{vc}/call", new { });
        await Post(s.Http, s, $"/client/vcs/{vc}/call/close", new { });
        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    return latencies;
}

async Task<Stats> Load(string name, Uri uri, Func<HttpClient, int, int, Task<bool>> iteration, int requestsPerIteration = 1, TimeSpan? duration = null)
{
    var length = duration ?? TimeSpan.FromSeconds(seconds);
    var warmUntil = DateTime.UtcNow.AddSeconds(smoke ? 0.3 : 2);
    var end = warmUntil + length;
    var failures = 0L;
    var perWorker = await Task.WhenAll(Enumerable.Range(0, connections).Select(async w =>
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = uri };
        var latencies = new List<double>();
        for (var n = 0; DateTime.UtcNow < end; n++)
        {
            var started = Stopwatch.GetTimestamp();
            var ok = await iteration(http, w, n);
            if (DateTime.UtcNow >= warmUntil)
            {
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds / requestsPerIteration);
                if (!ok)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }

        return latencies;
    }));
    var stats = Stats.Of([.. perWorker.SelectMany(l => l)], requestsPerIteration, length);
    Console.WriteLine($"  {name}: {stats.Rate:N0} req/s, p50 {stats.P50:F2} ms, p99 {stats.P99:F2} ms, failed {failures}");
    return stats;
}

async Task<Sandbox> NewSandbox(Uri uri)
{
    var http = new HttpClient { BaseAddress = uri };
    var created = await Json(await http.PostAsJsonAsync("/sandboxes", new { }));
    var sandbox = new Sandbox(http, (string)created["id"]!, (string)created["key"]!, "");
    var af = (string)(await Json(await Post(http, sandbox, "/client/address-families", new { addressFamily = "Q2931" })))["ndisAfHandle"]!;
    return sandbox with { Af = af };
}

async Task<string> NewVc(Sandbox s) => (string)(await Json(await Post(s.Http, s, $"/client/address-families/{s.Af}/vcs", new { })))["ndisVcHandle"]!;

static Task<HttpResponseMessage> Post(HttpClient http, Sandbox s, string path, object body) => Send(http, s, HttpMethod.Post, path, body);

static async Task Put(Sandbox s, string path, object body) => (await Send(s.Http, s, HttpMethod.Put, path, body)).EnsureSuccessStatusCode();

static async Task<HttpResponseMessage> Send(HttpClient http, Sandbox s, HttpMethod method, string path, object? body)
{
    using var request = new HttpRequestMessage(method, $"/sandboxes/{s.Id}{path}") { Content = body is null ? null : JsonContent.Create(body) };
    request.Headers.Add("X-Sandbox-Key", s.Key);
    var response = await http.SendAsync(request);
    await response.Content.LoadIntoBufferAsync();
    return response;
}

static async Task<JsonNode> Json(HttpResponseMessage response) => JsonNode.Parse(await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync())!;

// Clock ticks per second, the unit of /proc/<pid>/stat's CPU times (getconf CLK_TCK; 100 when it cannot tell).
static double ClockTicks()
{
    try
    {
        using var getconf = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true })!;
        var output = getconf.StandardOutput.ReadToEnd();
        getconf.WaitForExit();
        return double.TryParse(output.Trim(), CultureInfo.InvariantCulture, out var ticks) && ticks > 0 ? ticks : 100;
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return 100;
    }
}

static string Met(bool met, bool notJudged = false) => notJudged ? "(smoke)" : met ? "yes" : "no";

static Child Start(string dll, string arguments, Dictionary<string, string> environment, Action<string>? onLine = null)
{
    var start = new ProcessStartInfo("dotnet", $"\"{dll}\" {arguments}") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var (key, value) in environment)
    {
        start.Environment[key] = value;
    }

    var process = Process.Start(start)!;
    process.OutputDataReceived += (_, e) =>
    {
        if (e.Data is { } line)
        {
            onLine?.Invoke(line);
        }
    };
    process.ErrorDataReceived += (_, _) => { };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return new Child(process);
}

/// <summary>A server the benchmark started: killed when disposed (also when the benchmark fails), so none outlives it.</summary>
internal sealed class Child : IDisposable
{
    private readonly Process _process;

    public Child(Process process)
    {
        _process = process;
        Id = process.Id;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
    }

    public int Id { get; }

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }
}

internal sealed record Sandbox(HttpClient Http, string Id, string Key, string Af);

/// <summary>What dotnet-gcdump report prints of a heap: its total bytes, and the bytes of each type's objects.</summary>
internal sealed record HeapDump(long Total, Dictionary<string, long> ByType)
{
    public static HeapDump Parse(string report)
    {
        long Number(string digits) => long.Parse(digits.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
        var total = System.Text.RegularExpressions.Regex.Match(report, @"^\s*([\d,]+)\s+GC Heap bytes", System.Text.RegularExpressions.RegexOptions.Multiline);
        var byType = new Dictionary<string, long>();

        // A row is "bytes count type": the bytes of one object of the type (its average), how many there are, and the type
        // followed by its size class ("(Bytes > 10K)") and its assembly. A type's size classes are added up, so that its
        // growth is one figure.
        foreach (System.Text.RegularExpressions.Match row in System.Text.RegularExpressions.Regex.Matches(report, @"^\s*([\d,]+)\s+([\d,]+)\s+(.+?)(?:\s+\(Bytes > [^)]*\))?(?:\s+\[[^\]]*\])?\s*$", System.Text.RegularExpressions.RegexOptions.Multiline))
        {
            var type = row.Groups[3].Value;
            byType[type] = byType.GetValueOrDefault(type) + (Number(row.Groups[1].Value) * Number(row.Groups[2].Value));
        }

        return new HeapDump(total.Success ? Number(total.Groups[1].Value) : byType.Values.Sum(), byType);
    }
}

/// <summary>
/// One round's arrivals at many clients: <see cref="Expect"/> before the round, <see cref="Arrived"/> from each client's
/// handler, and <see cref="AllAsync"/> completes at the last of them. An arrival before the round counts for nothing.
/// </summary>
internal sealed class Arrivals
{
    private int _left;
    private TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Expect(int count)
    {
        Volatile.Write(ref _all, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Volatile.Write(ref _left, count);
    }

    public void Arrived()
    {
        if (Interlocked.Decrement(ref _left) == 0)
        {
            Volatile.Read(ref _all).TrySetResult();
        }
    }

    public Task AllAsync() => Volatile.Read(ref _all).Task.WaitAsync(TimeSpan.FromSeconds(10));
}

/// <summary>A cluster node the benchmark started, with what it has logged so far.</summary>
internal sealed record Node(Child Server, Uri Uri, ConcurrentQueue<string> Log);

internal sealed record Stats(double Rate, double P50, double P99)
{
    public long Failures { get; init; }

    /// <summary>The requests wrk completed in its run (0 for the .NET driver's loads).</summary>
    public long Requests { get; init; }

    /// <summary>Bytes the server allocated per request over a wrk run, from its System.Runtime meter; null when it exports none.</summary>
    public double? AllocatedPerRequest { get; init; }

    /// <summary>Whole call lifecycles per second, as the C driver counts them; without it, requests / 6 is the estimate.</summary>
    public double? Lifecycles { get; init; }

    public double LifecycleRate => Lifecycles ?? Rate / 6;

    public static Stats Of(List<double> latencies, int requestsPerIteration, TimeSpan duration)
    {
        latencies.Sort();
        double At(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
        var rate = duration > TimeSpan.Zero ? latencies.Count * requestsPerIteration / duration.TotalSeconds : 0;
        return new Stats(rate, At(0.50), At(0.99));
    }
}
