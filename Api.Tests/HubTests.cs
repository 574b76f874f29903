using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using NdisMock.Hubs;

namespace NdisMock.Api.Tests;

/// <summary>The push channel: every callback, in order, exactly once, to the right subscribers only.</summary>
public sealed class HubTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    private static readonly JsonSerializerOptions JsonOptions = CreateJsonOptions();

    public static TheoryData<string, bool> ScenariosAndProtocols()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in Scenarios.All.Keys)
        {
            data.Add(name, false);
            data.Add(name, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ScenariosAndProtocols))]
    public async Task EveryEventOfACondisSequence_IsPushed_InOrder_WithTheJournalsPayload(string scenario, bool messagePack)
    {
        var (options, run) = Scenarios.All[scenario];
        var sandbox = await app.NewSandboxAsync(options);
        await using var hub = app.CreateHubConnection(messagePack);
        var sink = new EventSink(hub);
        await hub.StartAsync();
        var info = await hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), sandbox.Id, sandbox.Key, 0L);

        await run(sandbox);

        var journal = await sandbox.EventsAsync(0);
        var pushed = await sink.TakeAsync(journal.Count);
        Assert.Equal(4, info.LastSequence);
        Assert.Equal(journal.Select(e => (long)e!["sequence"]!), pushed.Select(p => p.Event.Sequence));
        Assert.All(pushed, p => Assert.Equal(p.Method, p.Event.Name));
        Assert.All(pushed, p => Assert.Equal(sandbox.Id, p.Event.SandboxId));
        for (var i = 0; i < journal.Count; i++)
        {
            var expected = journal[i]!.AsObject();
            var actual = JsonSerializer.SerializeToNode(pushed[i].Event with { SandboxId = null }, JsonOptions)!.AsObject();
            if (messagePack)
            {
                // MessagePack carries timestamps at its own precision; everything else must match exactly.
                expected.Remove("timestamp");
                actual.Remove("timestamp");
            }

            Assert.True(JsonNode.DeepEquals(expected, actual), $"event {i + 1}:\n{expected.ToJsonString()}\n{actual.ToJsonString()}");
        }

        Assert.Empty(sink.Drain());
    }

    [Fact]
    public async Task SeedFlow_PushesProtocolClCloseCallComplete_WithTheClientsContext()
    {
        var sandbox = await app.NewSandboxAsync();
        await using var hub = app.CreateHubConnection();
        var sink = new EventSink(hub);
        await hub.StartAsync();
        var af = await sandbox.OpenAfAsync();
        var vc = await sandbox.ConnectedCallAsync(af);
        var after = await sandbox.LastSequenceAsync();
        await hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), sandbox.Id, sandbox.Key, after);

        var closed = await sandbox.Post($"/client/vcs/{vc}/call/close");
        await sandbox.Post($"/mcm/vcs/{vc}/close-call-complete", new { status = "NDIS_STATUS_SUCCESS" });

        var events = await sink.TakeThroughAsync(nameof(INdisClient.ProtocolClCloseCallComplete));
        var callback = events[^1].Event;
        Assert.Equal(after + 1, events[0].Event.Sequence);
        Assert.Equal(("vc-ctx", closed["pendingOperationId"], "NDIS_STATUS_SUCCESS", "0x00000000"),
            (callback.ProtocolVcContext, callback.PendingOperationId, callback.Status, callback.StatusCode));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SubscribeToEvents_DeliversOnlyTheNamedEvents_InOrder_WithTheirJournalSequences_AcrossBacklogLiveAndReconnect(bool messagePack)
    {
        string[] names = [nameof(INdisClient.ProtocolClMakeCallComplete), nameof(INdisClient.ProtocolClCloseCallComplete)];
        var sandbox = await app.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync();
        await CloseCallAsync(sandbox, await sandbox.ConnectedCallAsync(af));
        var first = app.CreateHubConnection(messagePack);
        var firstSink = new EventSink(first);
        await first.StartAsync();
        var info = await first.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.SubscribeToEvents), sandbox.Id, sandbox.Key, 0L, names);

        await CloseCallAsync(sandbox, await sandbox.ConnectedCallAsync(af));

        var journal = await sandbox.EventsAsync(0);
        var named = journal.Where(e => names.Contains((string?)e!["name"])).Select(e => (long)e!["sequence"]!).ToList();
        var pushed = await firstSink.TakeAsync(named.Count);
        Assert.Equal(nameof(INdisClient.ProtocolClCloseCallComplete), (string?)journal[^1]!["name"]);
        Assert.Equal(4, named.Count);
        Assert.Equal(2, named.Count(sequence => sequence <= info.LastSequence));
        Assert.Equal(named, pushed.Select(p => p.Event.Sequence));
        Assert.All(pushed, p => Assert.Equal(p.Method, p.Event.Name));
        Assert.All(pushed, p => Assert.Equal(sandbox.Id, p.Event.SandboxId));
        Assert.Empty(firstSink.Drain());

        // Gone while a third call comes and goes, then back after the last sequence seen: the named events it missed, once.
        await first.DisposeAsync();
        await CloseCallAsync(sandbox, await sandbox.ConnectedCallAsync(af));
        await using var second = app.CreateHubConnection(messagePack);
        var secondSink = new EventSink(second);
        await second.StartAsync();
        await second.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.SubscribeToEvents), sandbox.Id, sandbox.Key, pushed[^1].Event.Sequence, names);
        var missed = await secondSink.TakeAsync(2);

        var namedLater = (await sandbox.EventsAsync(pushed[^1].Event.Sequence)).Where(e => names.Contains((string?)e!["name"])).Select(e => (long)e!["sequence"]!);
        Assert.Equal(namedLater, missed.Select(m => m.Event.Sequence));
        Assert.Equal(names, missed.Select(m => m.Method));
        Assert.Empty(secondSink.Drain());
    }

    [Fact]
    public async Task SubscribeToEvents_RefusesUnknownNames_EachListed_AndAnEmptyList_WithoutEchoingTheKey()
    {
        var sandbox = await app.NewSandboxAsync();
        await using var hub = app.CreateHubConnection();
        await hub.StartAsync();

        var unknown = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.SubscribeToEvents), sandbox.Id, sandbox.Key, 0L,
            new[] { "ProtocolClCloseCallComplete", "ProtocolClCloseCallCompleted", "3", "NdisClMakeCall,NdisClCloseCall", null }));
        var none = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.SubscribeToEvents), sandbox.Id, sandbox.Key, 0L, Array.Empty<string>()));
        var wrongKey = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.SubscribeToEvents), sandbox.Id, "wrong", 0L, new[] { "Bogus" }));
        var anyCase = await hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.SubscribeToEvents), sandbox.Id, sandbox.Key, 0L, new[] { "protocolclclosecallcomplete" });

        Assert.Contains("Not event names: 'ProtocolClCloseCallCompleted', '3', 'NdisClMakeCall,NdisClCloseCall', null. ", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("ProtocolClCloseCallComplete, ProtocolClAddPartyComplete", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("lists no event name", none.Message, StringComparison.Ordinal);
        Assert.Contains("not the key", wrongKey.Message, StringComparison.Ordinal);
        Assert.All(new[] { unknown, none, wrongKey }, e => Assert.DoesNotContain(sandbox.Key, e.Message, StringComparison.Ordinal));
        Assert.Equal(4, anyCase.LastSequence);
    }

    [Fact]
    public async Task Reconnecting_WithTheLastSequenceSeen_Delivers1000ConcurrentEventsExactlyOnceInOrder()
    {
        var sandbox = await app.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync();
        var first = app.CreateHubConnection();
        var firstSink = new EventSink(first);
        await first.StartAsync();
        await first.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), sandbox.Id, sandbox.Key, 0L);
        var seen = await firstSink.TakeAsync((int)await sandbox.LastSequenceAsync());
        var lastSeen = seen[^1].Event.Sequence;
        await first.DisposeAsync();

        // 250 concurrent create+delete pairs: 1,000 events while nobody listens.
        await Task.WhenAll(Enumerable.Range(0, 250).Select(async i =>
        {
            var vc = await sandbox.CreateVcAsync(af, $"c{i}");
            HttpSandbox.Ok(await sandbox.Delete($"/client/vcs/{vc}"));
        }));
        await using var second = app.CreateHubConnection();
        var secondSink = new EventSink(second);
        await second.StartAsync();
        await second.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), sandbox.Id, sandbox.Key, lastSeen);
        var vcAfter = await sandbox.CreateVcAsync(af, "live");

        var missed = await secondSink.TakeAsync(1002);

        Assert.Equal(Enumerable.Range(1, 1002).Select(i => lastSeen + i), missed.Select(m => m.Event.Sequence));
        Assert.Equal(1000, missed.Take(1000).Count(m => m.Event.Name is "NdisCoCreateVc" or "ProtocolCoCreateVc" or "NdisCoDeleteVc" or "ProtocolCoDeleteVc"));
        Assert.Equal(vcAfter, missed[^1].Event.NdisVcHandle);
        Assert.Empty(secondSink.Drain());
    }

    [Fact]
    public async Task ConnectionFollowingTwoSandboxes_NeverSeesAThirds_AndOthersNeverSeeItsOwn()
    {
        var mine = await app.NewSandboxAsync();
        var alsoMine = await app.NewSandboxAsync();
        var theirs = await app.NewSandboxAsync();
        await using var me = app.CreateHubConnection();
        await using var them = app.CreateHubConnection();
        var mySink = new EventSink(me);
        var theirSink = new EventSink(them);
        await me.StartAsync();
        await them.StartAsync();
        await me.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), mine.Id, mine.Key, 4L);
        await me.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), alsoMine.Id, alsoMine.Key, 4L);
        await them.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), theirs.Id, theirs.Key, 4L);

        await theirs.OpenAfAsync("theirs");
        await mine.OpenAfAsync("mine");
        await alsoMine.OpenAfAsync("also-mine");
        var received = await mySink.TakeAsync(4);
        var theirReceived = await theirSink.TakeAsync(2);

        Assert.Equal(2, received.Count(r => r.Event.SandboxId == mine.Id));
        Assert.Equal(2, received.Count(r => r.Event.SandboxId == alsoMine.Id));
        Assert.DoesNotContain(received, r => r.Event.ClientAfContext == "theirs" || r.Event.SandboxId == theirs.Id);
        Assert.All(theirReceived, r => Assert.Equal(theirs.Id, r.Event.SandboxId));
        await theirs.OpenAfAsync("theirs-again");
        await mine.OpenAfAsync("mine-again");
        Assert.All(await mySink.TakeAsync(2), r => Assert.Equal(mine.Id, r.Event.SandboxId));
    }

    [Fact]
    public async Task Subscribe_RefusesAWrongKey_AnotherSandboxesKey_AndAnUnknownSandbox()
    {
        var sandbox = await app.NewSandboxAsync();
        var other = await app.NewSandboxAsync();
        await using var hub = app.CreateHubConnection();
        await hub.StartAsync();

        var wrong = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), sandbox.Id, "wrong", 0L));
        var foreign = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), sandbox.Id, other.Key, 0L));
        var unknown = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), "sbx-none", sandbox.Key, 0L));
        var future = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), sandbox.Id, sandbox.Key, 99L));

        Assert.Contains("not the key", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("not the key", foreign.Message, StringComparison.Ordinal);
        Assert.Contains("no sandbox", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("newest sequence, 4", future.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsubscribe_StopsTheFeed()
    {
        var sandbox = await app.NewSandboxAsync();
        var watched = await app.NewSandboxAsync();
        await using var hub = app.CreateHubConnection();
        var sink = new EventSink(hub);
        await hub.StartAsync();
        await hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), sandbox.Id, sandbox.Key, 4L);
        await hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), watched.Id, watched.Key, 4L);

        await hub.InvokeAsync(nameof(NdisHub.Unsubscribe), sandbox.Id);
        await sandbox.OpenAfAsync("unwatched");
        await watched.OpenAfAsync("watched");

        // The watched sandbox's two events arrive; had the unsubscribed feed still run, its two would be among them.
        var received = await sink.TakeAsync(2);
        Assert.All(received, r => Assert.Equal(watched.Id, r.Event.SandboxId));
    }

    [Fact]
    public async Task DeletingTheSandbox_EndsItsSubscriptions_WithAReason()
    {
        var sandbox = await app.NewSandboxAsync();
        await using var hub = app.CreateHubConnection();
        var sink = new EventSink(hub);
        await hub.StartAsync();
        await hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), sandbox.Id, sandbox.Key, 0L);
        await sink.TakeAsync(4);

        HttpSandbox.Ok(await sandbox.Delete(""));

        var ended = await sink.EndedAsync();
        Assert.Equal((sandbox.Id, "SandboxDeleted", 4L), (ended.SandboxId, ended.Reason, ended.LastDeliveredSequence));
    }

    private static async Task CloseCallAsync(HttpSandbox sandbox, string vc)
    {
        HttpSandbox.Ok(await sandbox.Post($"/client/vcs/{vc}/call/close"));
        HttpSandbox.Ok(await sandbox.Post($"/mcm/vcs/{vc}/close-call-complete", new { status = "NDIS_STATUS_SUCCESS" }));
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions();
        Json.Configure(options);
        return options;
    }
}
