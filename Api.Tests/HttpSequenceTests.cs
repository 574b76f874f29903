using System.Net;

namespace NdisMock.Api.Tests;

/// <summary>The CoNDIS sequences of docs/flows.md over HTTP, each checked through GetEvents.</summary>
public sealed class HttpSequenceTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    private const string Success = "NDIS_STATUS_SUCCESS";

    [Fact]
    public async Task S7_1_OutgoingCall_WithManualDuties_AndFunctionNamedCompletions()
    {
        var sandbox = await app.NewSandboxAsync(new { duties = "manual" });
        var start = await sandbox.LastSequenceAsync();
        var af = await sandbox.OpenAfAsync("my-af");
        var vc = await sandbox.CreateVcAsync(af, "my-vc");

        var made = await sandbox.Post($"/client/vcs/{vc}/call", new { });
        SandboxApi.Ok(await sandbox.Post($"/mcm/vcs/{vc}/activate"));
        var madeComplete = await sandbox.Post($"/mcm/vcs/{vc}/make-call-complete", new { status = Success });
        var closed = await sandbox.Post($"/client/vcs/{vc}/call/close", new { });
        SandboxApi.Ok(await sandbox.Post($"/mcm/vcs/{vc}/deactivate"));
        var closeComplete = await sandbox.Post($"/mcm/vcs/{vc}/close-call-complete", new { status = Success });
        var deleted = await sandbox.Delete($"/client/vcs/{vc}");

        Assert.Equal(
            (HttpStatusCode.Accepted, HttpStatusCode.OK, HttpStatusCode.Accepted, HttpStatusCode.OK, HttpStatusCode.OK),
            (made.Status, madeComplete.Status, closed.Status, closeComplete.Status, deleted.Status));
        Assert.Equal(
            [
                "NdisClOpenAddressFamilyEx client SUCCESS", "ProtocolCmOpenAf mcm SUCCESS",
                "NdisCoCreateVc client SUCCESS", "ProtocolCoCreateVc mcm SUCCESS",
                "NdisClMakeCall client PENDING", "ProtocolCmMakeCall mcm PENDING",
                "NdisMCmActivateVc mcm SUCCESS",
                "NdisMCmMakeCallComplete mcm SUCCESS", "ProtocolClMakeCallComplete client SUCCESS",
                "NdisClCloseCall client PENDING", "ProtocolCmCloseCall mcm PENDING",
                "NdisMCmDeactivateVc mcm SUCCESS",
                "NdisMCmCloseCallComplete mcm SUCCESS", "ProtocolClCloseCallComplete client SUCCESS",
                "NdisCoDeleteVc client SUCCESS", "ProtocolCoDeleteVc mcm SUCCESS",
            ],
            await sandbox.TraceAsync(start));
        var events = await sandbox.EventsAsync(start);
        var callback = events.Single(e => (string?)e!["name"] == "ProtocolClCloseCallComplete")!;
        Assert.Equal("my-vc", (string?)callback["protocolVcContext"]);
        Assert.Equal(closed["pendingOperationId"], (string?)callback["pendingOperationId"]);
        Assert.Equal("0x00000000", (string?)callback["statusCode"]);
        Assert.Empty(await sandbox.ViolationsAsync());
    }

    [Fact]
    public async Task S7_1_SeedFlow_PendedCloseCompletedWithCompletePendingOperation()
    {
        var sandbox = await app.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync();
        var vc = await sandbox.ConnectedCallAsync(af);

        var closed = await sandbox.Post($"/client/vcs/{vc}/call/close");
        var pending = await sandbox.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, closed.Message.Headers.Location)
        {
            Headers = { { "X-Sandbox-Key", sandbox.Key } },
        });
        var start = await sandbox.LastSequenceAsync();
        var completed = await sandbox.Post($"/pending/{closed["pendingOperationId"]}/complete", new { status = Success });

        Assert.Equal(HttpStatusCode.Accepted, closed.Status);
        Assert.Equal(HttpStatusCode.OK, pending.StatusCode);
        Assert.Contains("ProtocolCmCloseCall", await pending.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, Success), (completed.Status, completed["status"]));
        Assert.Equal(
            ["NdisMCmDeactivateVc mcm SUCCESS", "NdisMCmCloseCallComplete mcm SUCCESS", "ProtocolClCloseCallComplete client SUCCESS"],
            await sandbox.TraceAsync(start));
        SandboxApi.Ok(await sandbox.Delete($"/client/vcs/{vc}"));
    }

    [Fact]
    public async Task S7_2_IncomingCall_Accepted_ThenRejectedOnANewVc()
    {
        var sandbox = await app.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync("in-af");
        var sap = SandboxApi.Ok(await sandbox.Post($"/client/address-families/{af}/saps",
            new { protocolSapContext = "my-sap", sap = new { sapType = "Nsap", value = "47.0005.80FFE1000000F21A3D40.0020481A3D40.00" } }))["ndisSapHandle"];
        var vc = SandboxApi.Ok(await sandbox.Post($"/mcm/address-families/{af}/vcs", new { protocolVcContext = "in-vc" }))["ndisVcHandle"];
        var start = await sandbox.LastSequenceAsync();

        var offer = await sandbox.Post($"/mcm/saps/{sap}/vcs/{vc}/incoming-call");
        SandboxApi.Ok(await sandbox.Post($"/client/vcs/{vc}/incoming-call/complete", new { status = Success }));
        SandboxApi.Ok(await sandbox.Post($"/mcm/vcs/{vc}/call-connected"));

        Assert.Equal(HttpStatusCode.Accepted, offer.Status);
        Assert.Equal(
            [
                "NdisMCmActivateVc mcm SUCCESS",
                "NdisMCmDispatchIncomingCall mcm PENDING", "ProtocolClIncomingCall client PENDING",
                "NdisClIncomingCallComplete client SUCCESS", "ProtocolCmIncomingCallComplete mcm SUCCESS",
                "NdisMCmDispatchCallConnected mcm", "ProtocolClCallConnected client",
            ],
            await sandbox.TraceAsync(start));
        var incoming = (await sandbox.EventsAsync(start)).Single(e => (string?)e!["name"] == "ProtocolClIncomingCall")!;
        Assert.Equal(("my-sap", "in-vc"), ((string?)incoming["protocolSapContext"], (string?)incoming["protocolVcContext"]));

        var second = SandboxApi.Ok(await sandbox.Post($"/mcm/address-families/{af}/vcs", new { protocolVcContext = "second" }))["ndisVcHandle"];
        SandboxApi.Ok(await sandbox.Post($"/mcm/saps/{sap}/vcs/{second}/incoming-call"));
        var rejectedAt = await sandbox.LastSequenceAsync();
        SandboxApi.Ok(await sandbox.Post($"/client/vcs/{second}/incoming-call/complete", new { status = "0xC00000BB" }));
        Assert.Equal(
            [
                "NdisClIncomingCallComplete client NOT_SUPPORTED", "ProtocolCmIncomingCallComplete mcm NOT_SUPPORTED",
                "NdisMCmDeactivateVc mcm SUCCESS", "NdisMCmDeleteVc mcm SUCCESS", "ProtocolCoDeleteVc client SUCCESS",
            ],
            await sandbox.TraceAsync(rejectedAt));
    }

    [Fact]
    public async Task S7_3_RemoteInitiatedClose()
    {
        var sandbox = await app.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync();
        var vc = await sandbox.ConnectedCallAsync(af);
        var start = await sandbox.LastSequenceAsync();

        SandboxApi.Ok(await sandbox.Post($"/mcm/vcs/{vc}/incoming-close", new { status = "NDIS_STATUS_DEST_OUT_OF_ORDER" }));
        var closed = await sandbox.Post($"/client/vcs/{vc}/call/close");
        SandboxApi.Ok(await sandbox.Post($"/pending/{closed["pendingOperationId"]}/complete", new { status = Success }));
        SandboxApi.Ok(await sandbox.Delete($"/client/vcs/{vc}"));

        Assert.Equal(
            [
                "NdisMCmDispatchIncomingCloseCall mcm DEST_OUT_OF_ORDER", "ProtocolClIncomingCloseCall client DEST_OUT_OF_ORDER",
                "NdisClCloseCall client PENDING", "ProtocolCmCloseCall mcm PENDING",
                "NdisMCmDeactivateVc mcm SUCCESS", "NdisMCmCloseCallComplete mcm SUCCESS", "ProtocolClCloseCallComplete client SUCCESS",
                "NdisCoDeleteVc client SUCCESS", "ProtocolCoDeleteVc mcm SUCCESS",
            ],
            await sandbox.TraceAsync(start));
    }

    [Fact]
    public async Task S7_4_Multipoint_AddParty_RemoteDrop_LocalDrop_CloseWithLastParty()
    {
        var sandbox = await app.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync();
        var vc = await sandbox.CreateVcAsync(af, "mp-vc");
        var start = await sandbox.LastSequenceAsync();

        var made = await sandbox.Post($"/client/vcs/{vc}/call", new { protocolPartyContext = "p1" });
        var p1 = made["ndisPartyHandle"];
        SandboxApi.Ok(await sandbox.Post($"/mcm/vcs/{vc}/make-call-complete", new { status = Success, ndisPartyHandle = p1, callMgrPartyContext = "cm-p1" }));
        var p2 = (await sandbox.Post($"/client/vcs/{vc}/parties", new { protocolPartyContext = "p2" }))["ndisPartyHandle"];
        SandboxApi.Ok(await sandbox.Post($"/mcm/parties/{p2}/add-complete", new { status = Success, callMgrPartyContext = "cm-p2" }));
        SandboxApi.Ok(await sandbox.Post($"/mcm/parties/{p2}/incoming-drop", new { status = Success }));
        SandboxApi.Ok(await sandbox.Post($"/client/parties/{p2}/drop"));
        SandboxApi.Ok(await sandbox.Post($"/mcm/parties/{p2}/drop-complete", new { status = Success }));
        var dropLast = await sandbox.Post($"/client/parties/{p1}/drop");
        var closed = await sandbox.Post($"/client/vcs/{vc}/call/close", new { ndisPartyHandle = p1 });
        SandboxApi.Ok(await sandbox.Post($"/mcm/vcs/{vc}/close-call-complete", new { status = Success, ndisPartyHandle = p1 }));

        Assert.Equal((HttpStatusCode.OK, "NDIS_STATUS_FAILURE", "V-PTY-03"), (dropLast.Status, dropLast["status"], (string?)dropLast.Body!["violation"]!["rule"]));
        Assert.Equal(HttpStatusCode.Accepted, closed.Status);
        Assert.Equal(
            [
                "NdisClMakeCall client PENDING", "ProtocolCmMakeCall mcm PENDING",
                "NdisMCmActivateVc mcm SUCCESS", "NdisMCmMakeCallComplete mcm SUCCESS", "ProtocolClMakeCallComplete client SUCCESS",
                "NdisClAddParty client PENDING", "ProtocolCmAddParty mcm PENDING",
                "NdisMCmAddPartyComplete mcm SUCCESS", "ProtocolClAddPartyComplete client SUCCESS",
                "NdisMCmDispatchIncomingDropParty mcm SUCCESS", "ProtocolClIncomingDropParty client SUCCESS",
                "NdisClDropParty client PENDING", "ProtocolCmDropParty mcm PENDING",
                "NdisMCmDropPartyComplete mcm SUCCESS", "ProtocolClDropPartyComplete client SUCCESS",
                "NdisClDropParty client FAILURE", "ProtocolCmDropParty mcm FAILURE",
                "NdisClCloseCall client PENDING", "ProtocolCmCloseCall mcm PENDING",
                "NdisMCmDeactivateVc mcm SUCCESS", "NdisMCmCloseCallComplete mcm SUCCESS", "ProtocolClCloseCallComplete client SUCCESS",
            ],
            await sandbox.TraceAsync(start));
        var events = await sandbox.EventsAsync(start);
        Assert.Equal("p2", (string?)events.Single(e => (string?)e!["name"] == "ProtocolClAddPartyComplete")!["protocolPartyContext"]);
        Assert.Equal("p1", (string?)events.Single(e => (string?)e!["name"] == "ProtocolClCloseCallComplete")!["protocolPartyContext"]);
    }

    [Fact]
    public async Task S7_5_McmCreatedVc_ReusedForASecondOffer_WithManualDuties()
    {
        var sandbox = await app.NewSandboxAsync(new { duties = "manual" });
        var af = await sandbox.OpenAfAsync();
        var sap = (await sandbox.Post($"/client/address-families/{af}/saps", new { sap = new { sapType = "E164", value = "+15551234" } }))["ndisSapHandle"];
        var vc = (await sandbox.Post($"/mcm/address-families/{af}/vcs", new { protocolVcContext = "v" }))["ndisVcHandle"];
        for (var round = 0; round < 2; round++)
        {
            SandboxApi.Ok(await sandbox.Post($"/mcm/vcs/{vc}/activate"));
            SandboxApi.Ok(await sandbox.Post($"/mcm/saps/{sap}/vcs/{vc}/incoming-call"));
            SandboxApi.Ok(await sandbox.Post($"/client/vcs/{vc}/incoming-call/complete", new { status = Success }));
            SandboxApi.Ok(await sandbox.Post($"/mcm/vcs/{vc}/call-connected"));
            SandboxApi.Ok(await sandbox.Post($"/mcm/vcs/{vc}/incoming-close", new { status = Success }));
            SandboxApi.Ok(await sandbox.Post($"/client/vcs/{vc}/call/close"));
            SandboxApi.Ok(await sandbox.Post($"/mcm/vcs/{vc}/deactivate"));
            SandboxApi.Ok(await sandbox.Post($"/mcm/vcs/{vc}/close-call-complete", new { status = Success }));
        }

        var deleted = await sandbox.Delete($"/mcm/vcs/{vc}");

        Assert.Equal((HttpStatusCode.OK, Success), (deleted.Status, deleted["status"]));
        Assert.Empty(await sandbox.ViolationsAsync());
    }

    [Fact]
    public async Task S7_6_AddressFamilyTeardownInitiatedByTheMcm()
    {
        var sandbox = await app.NewSandboxAsync();
        SandboxApi.Ok(await sandbox.Put("/behaviors/ProtocolCmCloseAf", new { mode = "Pend" }));
        var af = await sandbox.OpenAfAsync("halting");
        var vc = await sandbox.ConnectedCallAsync(af);
        var start = await sandbox.LastSequenceAsync();

        var notified = await sandbox.Post($"/mcm/address-families/{af}/notify-close");
        var closed = await sandbox.Post($"/client/vcs/{vc}/call/close");
        SandboxApi.Ok(await sandbox.Post($"/pending/{closed["pendingOperationId"]}/complete", new { status = Success }));
        SandboxApi.Ok(await sandbox.Delete($"/client/vcs/{vc}"));
        var closeAf = await sandbox.Delete($"/client/address-families/{af}");
        SandboxApi.Ok(await sandbox.Post($"/mcm/address-families/{af}/close-complete", new { status = Success }));
        SandboxApi.Ok(await sandbox.Post($"/client/address-families/{af}/close-notification/complete", new { status = Success }));

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (notified.Status, closeAf.Status));
        Assert.Equal(
            [
                "NdisMCmNotifyCloseAddressFamily mcm PENDING", "ProtocolClNotifyCloseAf client PENDING",
                "NdisClCloseCall client PENDING", "ProtocolCmCloseCall mcm PENDING",
                "NdisMCmDeactivateVc mcm SUCCESS", "NdisMCmCloseCallComplete mcm SUCCESS", "ProtocolClCloseCallComplete client SUCCESS",
                "NdisCoDeleteVc client SUCCESS", "ProtocolCoDeleteVc mcm SUCCESS",
                "NdisClCloseAddressFamily client PENDING", "ProtocolCmCloseAf mcm PENDING",
                "NdisMCmCloseAddressFamilyComplete mcm SUCCESS", "ProtocolClCloseAfComplete client SUCCESS",
                "NdisClNotifyCloseAddressFamilyComplete client SUCCESS", "ProtocolCmNotifyCloseAfComplete mcm SUCCESS",
            ],
            await sandbox.TraceAsync(start));
        Assert.Equal("halting", (string?)(await sandbox.EventsAsync(start)).Single(e => (string?)e!["name"] == "ProtocolClNotifyCloseAf")!["clientAfContext"]);
        Assert.Empty((await sandbox.Get("")).Body!["addressFamilies"]!.AsArray());
    }
}
