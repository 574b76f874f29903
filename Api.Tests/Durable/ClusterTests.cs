using System.Net;
using NdisMock.Api.Tests.RealProcesses;

namespace NdisMock.Api.Tests.Durable;

/// <summary>
/// A cluster of three NdisMock nodes (Orleans, membership and sandboxes in one real redis-server), each a process of its
/// own: every node answers for every sandbox, a hub subscriber on one node follows a sandbox hosted on another, and
/// neither the loss of the hosting node (SIGKILL, mid-load) nor a restart of the whole cluster loses an answered
/// operation or an event.
/// </summary>
public sealed class ClusterTests : RedisBackedTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private Task<NdisMockNode[]> StartClusterAsync(int count = 3) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(_ => StartNodeAsync(new Dictionary<string, string>
        {
            ["Cluster__Enabled"] = "true",
            ["Cluster__AdvertisedAddress"] = "127.0.0.1",
            ["Cluster__SiloPort"] = RealProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        })));

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
        await using var subscriber = await SubscribeAsync(others[1], sandbox, 0);

        // Load spread over every node; the hosting node is killed once a third of it is answered.
        var clients = nodes.ToDictionary(n => n, n => new HttpSandbox(n.CreateClient(), sandbox.Id, sandbox.Key));
        var acknowledged = new List<string>();
        var unanswered = 0;
        Task? killing = null;
        for (var i = 0; acknowledged.Count < 90; i++)
        {
            // Not awaited: the next requests are on their way while the node dies.
            if (acknowledged.Count == 30 && killing is null)
            {
                killing = host.KillHardAsync();
            }

            var alive = killing is null ? nodes : others;
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

        await killing!;
        var state = HttpSandbox.Ok(await clients[others[0]].Get("?limit=1000")).Body!;
        var vcs = state["vcs"]!.AsArray().Select(v => (string)v!["ndisVcHandle"]!).ToHashSet();
        Assert.All(acknowledged, handle => Assert.Contains(handle, vcs));

        // Every event once, in order: a gap or a duplicate would show in the first journalEnd received.
        var journalEnd = HttpSandbox.Ok(await clients[others[0]].Get("/events?after=0&limit=1")).Body!["lastSequence"]!.GetValue<long>();
        var received = await subscriber.Sink.TakeAsync((int)journalEnd);
        Assert.Equal(Enumerable.Range(1, (int)journalEnd).Select(s => (long)s), received.Select(e => e.Event.Sequence));
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
