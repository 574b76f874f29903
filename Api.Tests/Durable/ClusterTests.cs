using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using NdisMock.Api.Tests.RealProcesses;
using NdisMock.Hubs;

namespace NdisMock.Api.Tests.Durable;

/// <summary>
/// A cluster of three NdisMock nodes (Orleans, membership and sandboxes in one real redis-server), each a process of its
/// own: every node answers for every sandbox, a hub subscriber on one node follows a sandbox hosted on another, and
/// neither the loss of the hosting node (SIGKILL, mid-load) nor a restart of the whole cluster loses an answered
/// operation or an event.
/// </summary>
public sealed class ClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private RedisServer _redis = null!;
    private readonly List<NdisMockNode> _nodes = [];

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync(appendOnly: true);

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }

    private async Task<NdisMockNode[]> StartClusterAsync(int count = 3)
    {
        var started = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => NdisMockNode.StartAsync(new Dictionary<string, string>
        {
            ["Storage__Redis"] = _redis.ConnectionString,
            ["Cluster__Enabled"] = "true",
            ["Cluster__AdvertisedAddress"] = "127.0.0.1",
            ["Cluster__SiloPort"] = RealProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        })));
        _nodes.AddRange(started);
        return started;
    }

    /// <summary>The node whose grain hosts the sandbox: the one that logged its creation.</summary>
    private static async Task<NdisMockNode> HostOfAsync(NdisMockNode[] nodes, string sandboxId)
    {
        var logged = nodes.Select(async node =>
        {
            try
            {
                await node.WaitForLogAsync($"Sandbox {sandboxId} created", Patience);
                return node;
            }
            catch (TimeoutException)
            {
                return null;
            }
        }).ToList();
        while (logged.Count > 0)
        {
            var first = await Task.WhenAny(logged);
            if (await first is { } host)
            {
                return host;
            }

            logged.Remove(first);
        }

        throw new InvalidOperationException($"No node logged the creation of {sandboxId}.");
    }

    [Fact]
    public async Task TheHostingNodeKilledMidLoad_LosesNoAnsweredOperation_AndASubscriberOnAnotherNodeMissesNoEvent()
    {
        var nodes = await StartClusterAsync();
        var sandbox = await HttpSandbox.CreateAsync(nodes[0].CreateClient());
        var host = await HostOfAsync(nodes, sandbox.Id);
        var others = nodes.Where(n => n != host).ToArray();
        var af = HttpSandbox.Ok(await sandbox.Post("/client/address-families", new { addressFamily = "CO_ADDRESS_FAMILY_Q2931" }))["ndisAfHandle"]!;

        // A subscriber on a node that does not host the sandbox.
        var received = new ConcurrentDictionary<long, int>();
        var last = 0L;
        var caughtUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(others[1].BaseAddress, "/hubs/ndis"), HttpTransportType.WebSockets)
            .AddJsonProtocol(options => Json.Configure(options.PayloadSerializerOptions))
            .Build();
        foreach (var method in typeof(INdisClient).GetMethods().Where(m => m.Name != nameof(INdisClient.SubscriptionEnded)))
        {
            hub.On<NdisEventMessage>(method.Name, e =>
            {
                received.AddOrUpdate(e.Sequence, 1, (_, n) => n + 1);
                if (e.Sequence >= Volatile.Read(ref last) && Volatile.Read(ref last) > 0)
                {
                    caughtUp.TrySetResult();
                }
            });
        }

        await hub.StartAsync();
        await hub.InvokeAsync<SubscriptionInfo>("Subscribe", sandbox.Id, sandbox.Key, 0L);

        // Load spread over every node; the hosting node is killed once a third of it is answered.
        var clients = nodes.ToDictionary(n => n, n => new HttpSandbox(n.CreateClient(), sandbox.Id, sandbox.Key));
        var acknowledged = new List<string>();
        var unanswered = 0;
        var killed = false;
        for (var i = 0; acknowledged.Count < 90; i++)
        {
            if (acknowledged.Count == 30 && !killed)
            {
                await host.KillHardAsync();
                killed = true;
            }

            var alive = killed ? others : nodes;
            var client = clients[alive[i % alive.Length]];
            try
            {
                var created = await client.Post($"/client/address-families/{af}/vcs", new { protocolVcContext = $"load-{i}" });
                if (created.Status == HttpStatusCode.Created)
                {
                    acknowledged.Add(created["ndisVcHandle"]!);
                }
                else
                {
                    // Sent while the hosting node was being declared dead: maybe made, maybe not, and not answered.
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, created.Status);
                    unanswered++;

                    // A read is sent again by the node until the sandbox is back on a live one: so this awaits the failover.
                    HttpSandbox.Ok(await client.Get("/pending"));
                }
            }
            catch (HttpRequestException)
            {
                // The killed node's own connections: nothing was answered.
                unanswered++;
            }

            Assert.True(unanswered < 10, $"{unanswered} requests unanswered: the sandbox did not come back on a live node");
        }

        var state = HttpSandbox.Ok(await clients[others[0]].Get("?limit=1000")).Body!;
        var vcs = state["vcs"]!.AsArray().Select(v => (string)v!["ndisVcHandle"]!).ToHashSet();
        Assert.All(acknowledged, handle => Assert.Contains(handle, vcs));

        var journalEnd = HttpSandbox.Ok(await clients[others[0]].Get("/events?after=0&limit=1")).Body!["lastSequence"]!.GetValue<long>();
        Volatile.Write(ref last, journalEnd);
        if (received.Keys.DefaultIfEmpty().Max() >= journalEnd)
        {
            caughtUp.TrySetResult();
        }

        try
        {
            await caughtUp.Task.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            var missing = Enumerable.Range(1, (int)journalEnd).Where(s => !received.ContainsKey(s)).ToList();
            Assert.Fail($"The subscriber on the other node had {received.Count} of {journalEnd} events; missing {string.Join(",", missing.Take(20))}.\n{string.Join("\n", others[1].Log.TakeLast(40))}");
        }

        Assert.Equal(Enumerable.Range(1, (int)journalEnd).Select(s => (long)s), received.Keys.Order());
        Assert.All(received.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task TheWholeClusterRestarted_KeepsEverySandbox()
    {
        var nodes = await StartClusterAsync();
        var sandboxes = new List<(HttpSandbox Sandbox, string Events, string Pending)>();
        for (var i = 0; i < 6; i++)
        {
            var sandbox = await HttpSandbox.CreateAsync(nodes[i % 3].CreateClient());
            var af = HttpSandbox.Ok(await sandbox.Post("/client/address-families", new { addressFamily = "CO_ADDRESS_FAMILY_Q2931", clientAfContext = $"af-{i}" }))["ndisAfHandle"]!;
            var vc = HttpSandbox.Ok(await sandbox.Post($"/client/address-families/{af}/vcs", new { }))["ndisVcHandle"]!;
            Assert.Equal(HttpStatusCode.Accepted, (await sandbox.Post($"/client/vcs/{vc}/call", new { })).Status);
            sandboxes.Add((sandbox, await EventsAsync(sandbox), HttpSandbox.Ok(await sandbox.Get("/pending")).Body!.ToJsonString()));
        }

        foreach (var node in nodes)
        {
            await node.KillHardAsync();
        }

        var restarted = await StartClusterAsync();
        for (var i = 0; i < sandboxes.Count; i++)
        {
            var (before, events, pending) = sandboxes[i];
            var after = new HttpSandbox(restarted[(i + 1) % 3].CreateClient(), before.Id, before.Key);
            Assert.Equal(events, await EventsAsync(after));
            Assert.Equal(pending, HttpSandbox.Ok(await after.Get("/pending")).Body!.ToJsonString());
        }
    }

    private static async Task<string> EventsAsync(HttpSandbox sandbox) =>
        HttpSandbox.Ok(await sandbox.Get("/events?after=0&limit=1000")).Body!["events"]!.ToJsonString();
}
