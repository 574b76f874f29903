using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using NdisMock.Hubs;

namespace NdisMock.Api.Tests;

/// <summary>GetEvents' wait and filters, and what a bounded journal answers when asked for what it dropped.</summary>
public sealed class JournalTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    [Fact]
    public async Task Wait_ReturnsAsSoonAsAMatchingEventExists()
    {
        var sandbox = await app.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync();
        var vc = await sandbox.ConnectedCallAsync(af);
        var after = await sandbox.LastSequenceAsync();

        var waiting = sandbox.Get($"/events?after={after}&wait=00:00:30&name=ProtocolClCloseCallComplete");
        var closed = await sandbox.Post($"/client/vcs/{vc}/call/close");
        await sandbox.Post($"/mcm/vcs/{vc}/close-call-complete", new { status = "NDIS_STATUS_SUCCESS" });
        var reply = await waiting;

        var events = reply.Body!["events"]!.AsArray();
        var callback = Assert.Single(events)!;
        Assert.Equal(("ProtocolClCloseCallComplete", closed["pendingOperationId"]), ((string?)callback["name"], (string?)callback["pendingOperationId"]));
        Assert.Equal((long)callback["sequence"]!, (long)reply.Body!["nextAfter"]!);
    }

    [Fact]
    public async Task WithoutWait_NothingNewAnswersAtOnceAndEmpty()
    {
        var sandbox = await app.NewSandboxAsync();
        var last = await sandbox.LastSequenceAsync();

        var reply = await sandbox.Get($"/events?after={last}");

        Assert.Empty(reply.Body!["events"]!.AsArray());
        Assert.Equal(last, (long)reply.Body!["nextAfter"]!);
    }

    [Fact]
    public async Task Filters_SelectByNameAndByVc()
    {
        var sandbox = await app.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync();
        var one = await sandbox.CreateVcAsync(af, "one");
        var two = await sandbox.CreateVcAsync(af, "two");
        await sandbox.Post($"/client/vcs/{two}/call");

        var byVc = (await sandbox.Get($"/events?ndisVcHandle={two}")).Body!["events"]!.AsArray();
        var byName = (await sandbox.Get("/events?name=NdisCoCreateVc")).Body!["events"]!.AsArray();
        var badName = await sandbox.Get("/events?name=NotAnEvent");
        var badWait = await sandbox.Get("/events?wait=00:05:00");

        Assert.Equal(["NdisCoCreateVc", "ProtocolCoCreateVc", "NdisClMakeCall", "ProtocolCmMakeCall"], byVc.Select(e => (string?)e!["name"]));
        Assert.Equal([one, two], byName.Select(e => (string?)e!["ndisVcHandle"]));
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (badName.Status, badWait.Status));
    }

    [Fact]
    public async Task CloseCallComplete_CarriesNoVcHandle_ButIsFoundByTheClientsVcContext()
    {
        var sandbox = await app.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync();
        var other = await sandbox.ConnectedCallAsync(af);
        var vc = await sandbox.CreateVcAsync(af, "my-vc");
        var made = await sandbox.Post($"/client/vcs/{vc}/call");
        HttpSandbox.Ok(await sandbox.Post($"/pending/{made["pendingOperationId"]}/complete", new { status = "NDIS_STATUS_SUCCESS" }));
        await sandbox.Post($"/client/vcs/{other}/call/close");
        await sandbox.Post($"/mcm/vcs/{other}/close-call-complete", new { status = "NDIS_STATUS_SUCCESS" });
        var closed = await sandbox.Post($"/client/vcs/{vc}/call/close");
        await sandbox.Post($"/mcm/vcs/{vc}/close-call-complete", new { status = "NDIS_STATUS_SUCCESS" });

        var byContext = (await sandbox.Get("/events?name=ProtocolClCloseCallComplete&protocolVcContext=my-vc")).Body!["events"]!.AsArray();
        var byHandle = (await sandbox.Get($"/events?name=ProtocolClCloseCallComplete&ndisVcHandle={vc}")).Body!["events"]!.AsArray();

        var callback = Assert.Single(byContext)!;
        Assert.Equal(("ProtocolClCloseCallComplete", "my-vc", closed["pendingOperationId"]),
            ((string?)callback["name"], (string?)callback["protocolVcContext"], (string?)callback["pendingOperationId"]));
        Assert.Null(callback["ndisVcHandle"]);
        Assert.Empty(byHandle);
    }

    [Fact]
    public async Task WaitForTheClientsVcContext_ReturnsWithThatVcsCloseCallComplete_AsSoonAsItArrives()
    {
        var sandbox = await app.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync();
        var other = await sandbox.ConnectedCallAsync(af);
        var vc = await sandbox.CreateVcAsync(af, "my-vc");
        var made = await sandbox.Post($"/client/vcs/{vc}/call");
        HttpSandbox.Ok(await sandbox.Post($"/pending/{made["pendingOperationId"]}/complete", new { status = "NDIS_STATUS_SUCCESS" }));
        var after = await sandbox.LastSequenceAsync();

        var waiting = sandbox.Get($"/events?after={after}&wait=00:00:30&name=ProtocolClCloseCallComplete&protocolVcContext=my-vc");
        await sandbox.Post($"/client/vcs/{other}/call/close");
        await sandbox.Post($"/mcm/vcs/{other}/close-call-complete", new { status = "NDIS_STATUS_SUCCESS" });
        var closed = await sandbox.Post($"/client/vcs/{vc}/call/close");
        Assert.False(waiting.IsCompleted, "the wait ended before the VC's close call completed");
        await sandbox.Post($"/mcm/vcs/{vc}/close-call-complete", new { status = "NDIS_STATUS_SUCCESS" });
        var reply = await waiting;

        var callback = Assert.Single(reply.Body!["events"]!.AsArray())!;
        Assert.Equal(("ProtocolClCloseCallComplete", "my-vc", closed["pendingOperationId"]),
            ((string?)callback["name"], (string?)callback["protocolVcContext"], (string?)callback["pendingOperationId"]));
        Assert.Equal((long)callback["sequence"]!, (long)reply.Body!["nextAfter"]!);
    }

    public static TheoryData<string> EventFilters() =>
        ["ndisAfHandle", "ndisSapHandle", "ndisVcHandle", "ndisPartyHandle", "clientAfContext", "protocolSapContext", "protocolVcContext", "protocolPartyContext", "pendingOperationId"];

    [Theory]
    [MemberData(nameof(EventFilters))]
    public async Task EachFilter_SelectsExactlyTheEventsCarryingItsValue_AndCombinesWithTheOthersByAnd(string filter)
    {
        var sandbox = await app.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync("my-af");
        await sandbox.OpenAfAsync("other-af");
        HttpSandbox.Ok(await sandbox.Post($"/client/address-families/{af}/saps", new { protocolSapContext = "my-sap", sap = new { sapType = "Nsap", value = "47.01" } }));
        HttpSandbox.Ok(await sandbox.Post($"/client/address-families/{af}/saps", new { protocolSapContext = "other-sap", sap = new { sapType = "Nsap", value = "47.02" } }));
        var vc = await sandbox.CreateVcAsync(af, "my-vc");
        await sandbox.ConnectedCallAsync(af);
        var made = await sandbox.Post($"/client/vcs/{vc}/call", new { protocolPartyContext = "my-party" });
        HttpSandbox.Ok(await sandbox.Post($"/pending/{made["pendingOperationId"]}/complete", new { status = "NDIS_STATUS_SUCCESS" }));
        HttpSandbox.Ok(await sandbox.Post($"/client/vcs/{vc}/call/close", new { ndisPartyHandle = made["ndisPartyHandle"] }));
        var journal = await sandbox.EventsAsync(0);
        // The first of each kind is "my-…" or the handle of the object made with it; a second of each kind must not be selected.
        var value = journal.Select(e => (string?)e![filter]).First(v => v is not null)!;
        var expected = journal.Where(e => (string?)e![filter] == value).ToList();
        var name = (string)expected[^1]!["name"]!;

        var selected = (await sandbox.Get($"/events?{filter}={Uri.EscapeDataString(value)}")).Body!["events"]!.AsArray();
        var combined = (await sandbox.Get($"/events?{filter}={Uri.EscapeDataString(value)}&name={name}")).Body!["events"]!.AsArray();
        var none = (await sandbox.Get($"/events?{filter}={Uri.EscapeDataString(value)}&name={name}&after={(long)expected[^1]!["sequence"]!}")).Body!["events"]!.AsArray();

        Assert.True(expected.Count < journal.Count, $"{filter}={value} should not select the whole journal");
        Assert.Equal(expected.Select(e => (long)e!["sequence"]!), selected.Select(e => (long)e!["sequence"]!));
        Assert.Equal(expected.Where(e => (string?)e!["name"] == name).Select(e => (long)e!["sequence"]!), combined.Select(e => (long)e!["sequence"]!));
        Assert.Empty(none);
    }

    [Fact]
    public async Task Filters_LongerThanAnyHandleOrContext_AreA400NamingTheParameter()
    {
        var sandbox = await app.NewSandboxAsync();

        var handle = await sandbox.Get($"/events?ndisPartyHandle={new string('h', 129)}");
        var context = await sandbox.Get($"/events?protocolVcContext={new string('c', 257)}");
        var fits = await sandbox.Get($"/events?protocolVcContext={new string('c', 256)}");

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.OK), (handle.Status, context.Status, fits.Status));
        Assert.NotNull(handle.Body!["errors"]!["ndisPartyHandle"]);
        Assert.NotNull(context.Body!["errors"]!["protocolVcContext"]);
    }

    [Fact]
    public async Task DroppedEvents_Are410OverRest_AndAHubErrorNamingTheOldestKept()
    {
        await using var small = Small();
        var sandbox = await small.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync();
        for (var i = 0; i < 10; i++)
        {
            await sandbox.CreateVcAsync(af);
        }

        var oldest = (long)(await sandbox.Get($"/events?after={await sandbox.LastSequenceAsync()}")).Body!["oldestSequenceKept"]!;
        var gone = await sandbox.Get("/events?after=0");
        var stillKept = await sandbox.Get($"/events?after={oldest - 1}");
        await using var hub = small.CreateHubConnection();
        await hub.StartAsync();
        var refused = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), sandbox.Id, sandbox.Key, 0L));

        Assert.Equal(HttpStatusCode.Gone, gone.Status);
        Assert.Equal(oldest, (long)gone.Body!["oldestSequenceKept"]!);
        Assert.Equal(16, stillKept.Body!["events"]!.AsArray().Count);
        Assert.Contains($"oldest sequence kept is {oldest}", refused.Message, StringComparison.Ordinal);
    }

    private static NdisMockApplication Small() => NdisMockApplication.With(builder => builder.UseSetting("Sandboxes:JournalCapacity", "16"));
}
