using Microsoft.Extensions.Time.Testing;
using NdisMock.Client;
using NdisMock.Testing;

namespace NdisMock.Api.Tests;

/// <summary>NdisMock.Testing as a test author uses it: the real NdisMock in-process on a loopback port, driven through the kit.</summary>
public sealed class TestingKitTests : IAsyncLifetime
{
    private NdisMockServer _ndis = null!;

    public async Task InitializeAsync() => _ndis = await NdisMockServer.StartAsync();

    public async Task DisposeAsync() => await _ndis.DisposeAsync();

    [Fact]
    public async Task AlwaysPend_OpenPends_AndProtocolClOpenAfCompleteExArrives()
    {
        await using var sandbox = await _ndis.CreateSandboxAsync(alwaysPend: true);

        var af = await sandbox.Client.OpenAddressFamilyAsync(clientAfContext: "my-af");

        var opened = await sandbox.Events.WaitForAsync<ProtocolClOpenAfCompleteEx>(e => e.ClientAfContext == "my-af");
        Assert.True(af.Pended);
        Assert.Equal((NdisStatusName.NDIS_STATUS_SUCCESS, af.NdisAfHandle), (opened.Status, opened.NdisAfHandle));
    }

    [Fact]
    public async Task SeedFlow_EndsWithProtocolClCloseCallComplete_ForTheVcsContext()
    {
        await using var sandbox = await _ndis.CreateSandboxAsync();
        var af = await sandbox.Client.OpenAddressFamilyAsync(clientAfContext: "my-af");
        var vc = (await sandbox.Client.CreateVcAsync(af.NdisAfHandle!, "my-vc")).NdisVcHandle!;

        var made = await sandbox.Client.MakeCallAsync(vc, CallParameters.Atm.Ubr(to: "+15550100"));
        await sandbox.Pending.CompleteAsync(made.PendingOperationId!);
        var closing = await sandbox.Client.CloseCallAsync(vc);
        await sandbox.Mcm.CompleteCloseCallAsync(vc);

        var closed = await sandbox.Events.WaitForAsync<ProtocolClCloseCallComplete>(e => e.ProtocolVcContext == "my-vc");
        Assert.Equal(201, af.HttpStatus);
        Assert.True(made.Pended && closing.Pended);
        Assert.Equal(NdisStatusName.NDIS_STATUS_SUCCESS, closed.Status);
        await sandbox.AssertNoViolationsAsync();
        await sandbox.AssertJournalAsync(
            (EventName.NdisClMakeCall, NdisStatusName.NDIS_STATUS_PENDING),
            (EventName.ProtocolClMakeCallComplete, NdisStatusName.NDIS_STATUS_SUCCESS),
            (EventName.ProtocolCmCloseCall, NdisStatusName.NDIS_STATUS_PENDING),
            (EventName.ProtocolClCloseCallComplete, NdisStatusName.NDIS_STATUS_SUCCESS));
    }

    [Fact]
    public async Task AssertConforms_PassesATornDownFlow_AndListsWhatIsLeftOpen_WithTheSequenceThatCreatedIt()
    {
        await using var sandbox = await _ndis.CreateSandboxAsync();
        var af = (await sandbox.Client.OpenAddressFamilyAsync()).NdisAfHandle!;
        var vc = (await sandbox.Client.CreateVcAsync(af, "my-vc")).NdisVcHandle!;
        var made = await sandbox.Client.MakeCallAsync(vc, CallParameters.Atm.Ubr(to: "+15550100"));
        await sandbox.Pending.CompleteAsync(made.PendingOperationId!);
        await sandbox.Client.CloseCallAsync(vc);
        await sandbox.Mcm.CompleteCloseCallAsync(vc);

        var leaky = await Assert.ThrowsAsync<NdisAssertionException>(() => sandbox.AssertConformsAsync());
        var created = (await sandbox.JournalAsync()).First(e => e.Name == EventName.NdisCoCreateVc).Sequence;

        Assert.Contains("failing: leaks", leaky.Message, StringComparison.Ordinal);
        Assert.Contains($"Vc {vc} left open (Closed, created at journal sequence {created})", leaky.Message, StringComparison.Ordinal);
        await sandbox.Client.DeleteVcAsync(vc);
        await sandbox.Client.CloseAddressFamilyAsync(af);
        var report = await sandbox.AssertConformsAsync();
        Assert.True(report.Passed);
        Assert.Empty(report.Leaks);
        var diagram = await sandbox.DiagramAsync();
        var junit = System.Xml.Linq.XDocument.Parse(await sandbox.JUnitReportAsync());
        Assert.StartsWith("sequenceDiagram\n", diagram, StringComparison.Ordinal);
        Assert.Contains($"Client->>NDIS: {created} NdisCoCreateVc: SUCCESS\n", diagram, StringComparison.Ordinal);
        Assert.Equal("0", (string?)junit.Root!.Attribute("failures"));
    }

    [Fact]
    public async Task IncomingCall_IsOfferedOnTheSap_AcceptedAndConnected()
    {
        await using var sandbox = await _ndis.CreateSandboxAsync();
        var af = (await sandbox.Client.OpenAddressFamilyAsync()).NdisAfHandle!;
        var sap = (await sandbox.Client.RegisterSapAsync(af, SapType.E164, "+15550199", "my-sap")).NdisSapHandle!;
        var vc = (await sandbox.Mcm.CreateVcAsync(af, protocolVcContext: "incoming")).NdisVcHandle!;

        var offered = await sandbox.Mcm.DispatchIncomingCallAsync(sap, vc);
        var offer = await sandbox.Events.WaitForAsync<ProtocolClIncomingCall>(e => e.ProtocolSapContext == "my-sap");
        await sandbox.Client.IncomingCallCompleteAsync(vc);
        await sandbox.Mcm.DispatchCallConnectedAsync(vc);

        Assert.True(offered.Pended);
        Assert.Equal("incoming", offer.ProtocolVcContext);
        await sandbox.Events.WaitForAsync<ProtocolClCallConnected>(e => e.ProtocolVcContext == "incoming");
        await sandbox.AssertNoViolationsAsync();
    }

    [Fact]
    public async Task WaitForAsync_ThatTimesOut_SaysWhatDidArrive()
    {
        await using var sandbox = await _ndis.CreateSandboxAsync();
        var vc = (await sandbox.Client.CreateVcAsync((await sandbox.Client.OpenAddressFamilyAsync()).NdisAfHandle!, "my-vc")).NdisVcHandle!;
        await sandbox.Client.MakeCallAsync(vc);
        await sandbox.Pending.WaitForAsync(EventName.ProtocolCmMakeCall, vc);

        var timedOut = await Assert.ThrowsAsync<TimeoutException>(() =>
            sandbox.Events.WaitForAsync<ProtocolClCloseCallComplete>(e => e.ProtocolVcContext == "my-vc", TimeSpan.FromMilliseconds(200)));

        Assert.Contains("No matching ProtocolClCloseCallComplete", timedOut.Message, StringComparison.Ordinal);
        Assert.Contains("ProtocolCmMakeCall NDIS_STATUS_PENDING", timedOut.Message, StringComparison.Ordinal);
        Assert.Contains("protocolVcContext=my-vc", timedOut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedCall_ThrowsWithItsRule_AndAssertNoViolations_ListsIt()
    {
        await using var sandbox = await _ndis.CreateSandboxAsync();
        var vc = (await sandbox.Client.CreateVcAsync((await sandbox.Client.OpenAddressFamilyAsync()).NdisAfHandle!)).NdisVcHandle!;

        var refused = await Assert.ThrowsAsync<NdisRefusalException>(() => sandbox.Mcm.CompleteCloseCallAsync(vc));

        Assert.Equal(409, refused.HttpStatus);
        Assert.Equal("V-CMP-02", refused.Rule);
        var listed = await Assert.ThrowsAsync<NdisAssertionException>(() => sandbox.AssertNoViolationsAsync());
        Assert.Contains("V-CMP-02", listed.Message, StringComparison.Ordinal);
        Assert.Contains("https://learn.microsoft.com/", listed.Message, StringComparison.Ordinal);
        var last = (await sandbox.JournalAsync())[^1].Sequence;
        Assert.Contains($"after journal sequence {last}:", listed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssertJournal_FailsShowingTheJournal_WhenAStepIsMissing()
    {
        await using var sandbox = await _ndis.CreateSandboxAsync();
        await sandbox.Client.OpenAddressFamilyAsync();

        var missing = await Assert.ThrowsAsync<NdisAssertionException>(() => sandbox.AssertJournalAsync((EventName.ProtocolClCloseCallComplete, null)));

        Assert.Contains("lacks ProtocolClCloseCallComplete", missing.Message, StringComparison.Ordinal);
        Assert.Contains("NdisClOpenAddressFamilyEx", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Statuses_CarryTheRealValues()
    {
        Assert.Equal(0xC0000001u, NdisStatusName.NDIS_STATUS_FAILURE.Code());
        Assert.Equal("0x00000103", NdisStatusName.NDIS_STATUS_PENDING.Hex());
        Assert.Equal(NdisStatusName.NDIS_STATUS_CELLRATE_NOT_AVAILABLE, NdisStatusCodes.FromCode(NdisStatusName.NDIS_STATUS_CELLRATE_NOT_AVAILABLE.Code()));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task IsdnBuilder_TakesOneBChannelPer64Kbits_AndTheThirdCallOnABriIsRefused()
    {
        await using var sandbox = await _ndis.CreateSandboxAsync(AdapterProfileName.IsdnBri);
        var af = (await sandbox.Client.OpenAddressFamilyAsync(AddressFamilyType.CO_ADDRESS_FAMILY_TAPI)).NdisAfHandle!;
        var answers = new List<NdisAnswer>();
        for (var i = 0; i < 3; i++)
        {
            var vc = (await sandbox.Client.CreateVcAsync(af)).NdisVcHandle!;
            answers.Add(await sandbox.Client.MakeCallAsync(vc, CallParameters.Isdn.Voice(to: "+4930123456")));
        }

        Assert.Equal([NdisStatusName.NDIS_STATUS_PENDING, NdisStatusName.NDIS_STATUS_PENDING, NdisStatusName.NDIS_STATUS_RESOURCES], answers.Select(a => a.Status));
    }

    [Fact]
    public async Task CbrBuilder_ReservesItsCellRate_AndAnOc3RefusesWhatDoesNotFit()
    {
        await using var sandbox = await _ndis.CreateSandboxAsync(AdapterProfileName.AtmOc3);
        var af = (await sandbox.Client.OpenAddressFamilyAsync()).NdisAfHandle!;

        var fits = await sandbox.Client.MakeCallAsync((await sandbox.Client.CreateVcAsync(af)).NdisVcHandle!, CallParameters.Atm.Cbr(300_000, to: "+15550100"));
        var over = await sandbox.Client.MakeCallAsync((await sandbox.Client.CreateVcAsync(af)).NdisVcHandle!, CallParameters.Atm.Cbr(100_000, to: "+15550101"));

        Assert.Equal(NdisStatusName.NDIS_STATUS_PENDING, fits.Status);
        Assert.Equal(NdisStatusName.NDIS_STATUS_CELLRATE_NOT_AVAILABLE, over.Status);
    }

    [Fact]
    public async Task AFakeClock_DrivesDelayedCompletions()
    {
        var time = new FakeTimeProvider();
        await using var ndis = await NdisMockServer.StartAsync(new NdisMockServerOptions { Time = time });
        await using var sandbox = await ndis.CreateSandboxAsync();
        await sandbox.SetBehaviorAsync(CmHandler.ProtocolCmMakeCall, BehaviorMode.Pend, completeAfter: TimeSpan.FromSeconds(5));
        var vc = (await sandbox.Client.CreateVcAsync((await sandbox.Client.OpenAddressFamilyAsync()).NdisAfHandle!, "timed")).NdisVcHandle!;
        await sandbox.Client.MakeCallAsync(vc);

        time.Advance(TimeSpan.FromSeconds(5));

        var completed = await sandbox.Events.WaitForAsync<ProtocolClMakeCallComplete>(e => e.ProtocolVcContext == "timed");
        Assert.Equal(NdisStatusName.NDIS_STATUS_SUCCESS, completed.Status);
    }

    [Fact]
    public async Task AfterTheConnectionIsCut_TheStreamResumesFromItsLastSequence_MissingAndRepeatingNothing()
    {
        await using var cutter = new TcpCutter(_ndis.Url);
        await using var sandbox = await NdisMockServer.Connect(cutter.Url).CreateSandboxAsync();
        var af = (await sandbox.Client.OpenAddressFamilyAsync()).NdisAfHandle!;
        await sandbox.Client.CreateVcAsync(af, "before");
        await sandbox.Events.WaitForAsync<NdisCoCreateVc>(e => e.ProtocolVcContext == "before");

        cutter.CutAll();
        for (var i = 0; i < 5; i++)
        {
            await sandbox.Client.CreateVcAsync(af, $"after-{i}");
        }

        await sandbox.Events.WaitForAsync<NdisCoCreateVc>(e => e.ProtocolVcContext == "after-4", TimeSpan.FromSeconds(30));
        var journal = await sandbox.JournalAsync();
        Assert.True(cutter.Cut > 0);
        Assert.Equal(journal.Select(e => e.Sequence).TakeWhile(s => s <= sandbox.Events.LastSequence), sandbox.Events.Received.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Connect_TargetsARunningInstance_AndTheOperatorListsItsSandboxes()
    {
        await using var shared = await NdisMockServer.StartAsync(new NdisMockServerOptions { Settings = { ["Operator:Key"] = "op-key" } });
        await using var remote = NdisMockServer.Connect(shared.Url, operatorKey: "op-key");
        await using var sandbox = await remote.CreateSandboxAsync(AdapterProfileName.IsdnPriE1);

        var listed = await remote.ListSandboxesAsync();

        Assert.Contains(listed, s => s.Id == sandbox.Id && s.Profile == AdapterProfileName.IsdnPriE1);
    }
}
