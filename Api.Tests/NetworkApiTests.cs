using System.Net;

namespace NdisMock.Api.Tests;

/// <summary>Issue 6 over HTTP: profiles and their capacity, routes with causes, failure injection, the virtual clock.</summary>
public sealed class NetworkApiTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    [Fact]
    public async Task WorkedIsdnExample_ABriTakesTwoCalls_TheThirdFindsNoBChannel()
    {
        var sandbox = await app.NewSandboxAsync(new { profile = "IsdnBri" });
        var af = await sandbox.OpenAfAsync("isdn", "Tapi");
        var call = new { callParameters = new { flags = 0, callMgrParameters = new
        {
            transmit = Flow(8000), receive = Flow(8000), tapi = new { lineId = 0, addressId = 0, flags = 1, destAddress = "+4930123456" },
        } } };

        var answers = new List<Reply>();
        for (var i = 0; i < 3; i++)
        {
            var vc = await sandbox.CreateVcAsync(af, $"isdn{i}");
            answers.Add(await sandbox.Post($"/client/vcs/{vc}/call", call));
            if (answers[^1].Status == HttpStatusCode.Accepted)
            {
                HttpSandbox.Ok(await sandbox.Post($"/pending/{answers[^1]["pendingOperationId"]}/complete", new { status = "NDIS_STATUS_SUCCESS" }));
            }
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.OK], answers.Select(a => a.Status));
        Assert.Equal("NDIS_STATUS_RESOURCES", answers[2]["status"]);
        var state = (await sandbox.Get("")).Body!;
        Assert.Equal((2L, 2L, "Isdn"), ((long)state["network"]!["capacity"]!, (long)state["network"]!["reserved"]!, (string?)state["network"]!["medium"]));
        var channels = (await sandbox.EventsAsync(0)).Where(e => (string?)e!["name"] == "ProtocolClMakeCallComplete")
            .Select(e => (long)e!["callParameters"]!["mediaParameters"]!["isdn"]!["bChannels"]!).ToList();
        Assert.Equal([1L, 2L], channels);
    }

    [Fact]
    public async Task WorkedAtmExample_ABusyNumberRejectsWithItsCause_AndADelayedAnswerWaitsForTheVirtualClock()
    {
        var sandbox = await app.NewSandboxAsync(new { profile = "AtmOc3", clock = "virtual" });
        HttpSandbox.Ok(await sandbox.Put("/routes/+15550100", new { outcome = "Busy" }));
        HttpSandbox.Ok(await sandbox.Put("/routes/+15550200", new { outcome = "Reachable", answerDelay = "00:00:02" }));
        var af = await sandbox.OpenAfAsync();

        var busy = await sandbox.Post($"/client/vcs/{await sandbox.CreateVcAsync(af, "busy")}/call", To("+15550100", 4000));
        var answered = await sandbox.Post($"/client/vcs/{await sandbox.CreateVcAsync(af, "ok")}/call", To("+15550200", 4000));
        var early = await sandbox.Post("/clock/advance", new { by = "00:00:01" });
        var late = await sandbox.Post("/clock/advance", new { by = "00:00:01" });

        Assert.Equal((HttpStatusCode.OK, "NDIS_STATUS_FAILURE"), (busy.Status, busy["status"]));
        Assert.Equal(HttpStatusCode.Accepted, answered.Status);
        Assert.Equal((0L, 1L), ((long)early.Body!["fired"]!, (long)late.Body!["fired"]!));
        var events = await sandbox.EventsAsync(0);
        Assert.Equal(17L, (long)events.Single(e => (string?)e!["name"] == "ProtocolCmMakeCall" && (string?)e["status"] == "NDIS_STATUS_FAILURE")!["cause"]!);
        var completion = events.Single(e => (string?)e!["name"] == "ProtocolClMakeCallComplete")!;
        Assert.Equal(("NDIS_STATUS_SUCCESS", "ok"), ((string?)completion["status"], (string?)completion["protocolVcContext"]));
        Assert.Equal(32L, (long)completion["callParameters"]!["mediaParameters"]!["atm"]!["vci"]!);
        Assert.Equal(4000L, (long)(await sandbox.Get("")).Body!["network"]!["reserved"]!);
        Assert.Equal(2, (await sandbox.Get("/routes")).Body!["routes"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.NoContent, (await sandbox.Delete("/routes/+15550100")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await sandbox.Delete("/routes/+15550100")).Status);
    }

    [Fact]
    public async Task AdvanceClock_OnAHostClock_Is409_AndNegativeTimeIs400()
    {
        var host = await app.NewSandboxAsync();
        var virtualSandbox = await app.NewSandboxAsync(new { clock = "virtual" });

        Assert.Equal(HttpStatusCode.Conflict, (await host.Post("/clock/advance", new { by = "00:00:01" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await virtualSandbox.Post("/clock/advance", new { by = "-00:00:01" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await virtualSandbox.Post("/clock/advance", new { })).Status);
    }

    [Fact]
    public async Task FailureInjection_IsSetAndShownThroughBehaviors()
    {
        var sandbox = await app.NewSandboxAsync();
        HttpSandbox.Ok(await sandbox.Put("/behaviors/ProtocolCmMakeCall", new { mode = "Pend", failNext = 1, failStatus = "NDIS_STATUS_INCOMPATABLE_QOS" }));
        var af = await sandbox.OpenAfAsync();

        var failed = await sandbox.Post($"/client/vcs/{await sandbox.CreateVcAsync(af)}/call");
        var pended = await sandbox.Post($"/client/vcs/{await sandbox.CreateVcAsync(af)}/call");
        var invalid = await sandbox.Put("/behaviors/ProtocolCmMakeCall", new { mode = "Pend", faultRate = 1.5 });

        Assert.Equal("NDIS_STATUS_INCOMPATABLE_QOS", failed["status"]);
        Assert.Equal(HttpStatusCode.Accepted, pended.Status);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        var makeCall = (await sandbox.Get("/behaviors")).Body!["behaviors"]!.AsArray().Single(b => (string?)b!["handler"] == "ProtocolCmMakeCall")!;
        Assert.Equal((0L, "NDIS_STATUS_INCOMPATABLE_QOS"), ((long)makeCall["failNext"]!, (string?)makeCall["failStatus"]));
    }

    [Fact]
    public async Task RemoteClear_TakesACause_AndNeedsACauseOrAStatus()
    {
        var sandbox = await app.NewSandboxAsync();
        var vc = await sandbox.ConnectedCallAsync(await sandbox.OpenAfAsync());

        var neither = await sandbox.Post($"/mcm/vcs/{vc}/incoming-close", new { });
        var cleared = await sandbox.Post($"/mcm/vcs/{vc}/incoming-close", new { cause = 27 });

        Assert.Equal(HttpStatusCode.BadRequest, neither.Status);
        Assert.Equal(HttpStatusCode.OK, cleared.Status);
        var indication = (await sandbox.EventsAsync(0)).Last()!;
        Assert.Equal(("ProtocolClIncomingCloseCall", "NDIS_STATUS_DEST_OUT_OF_ORDER", 27L), ((string?)indication["name"], (string?)indication["status"], (long)indication["cause"]!));
    }

    private static object Flow(uint peakBandwidth) => new
    {
        tokenRate = peakBandwidth, tokenBucketSize = 1500, peakBandwidth, latency = 4294967295, delayVariation = 4294967295,
        serviceType = 3, maxSduSize = 1500, minimumPolicedSize = 4294967295,
    };

    private static object To(string number, uint peakCellRate) => new
    {
        callParameters = new
        {
            flags = 0,
            callMgrParameters = new
            {
                transmit = Flow(4294967295), receive = Flow(4294967295),
                q2931 = new { calledParty = new { addressType = "E164", address = number } },
            },
            mediaParameters = new
            {
                flags = new[] { "TransmitVc", "ReceiveVc" }, receivePriority = 0, receiveSizeHint = 9188,
                atm = new
                {
                    vpi = 0, vci = 0, aalType = "Aal5",
                    transmit = new { serviceCategory = "Cbr", averageCellRate = peakCellRate, peakCellRate, minimumCellRate = 0, maxSduSize = 9188 },
                    receive = new { serviceCategory = "Cbr", averageCellRate = peakCellRate, peakCellRate, minimumCellRate = 0, maxSduSize = 9188 },
                },
            },
        },
    };
}
