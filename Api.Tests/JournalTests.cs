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
