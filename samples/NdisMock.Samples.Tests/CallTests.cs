using NdisMock.Client;
using NdisMock.Testing;

namespace NdisMock.Samples.Tests;

public sealed class CallTests : IAsyncLifetime
{
    private NdisMockServer _ndis = null!;

    public async Task InitializeAsync() => _ndis = await NdisMockServer.StartAsync();

    public async Task DisposeAsync() => await _ndis.DisposeAsync();

    [Fact]
    public async Task ClosingAnAtmCall_BringsProtocolClCloseCallComplete()
    {
        await using var sandbox = await _ndis.CreateSandboxAsync(AdapterProfileName.AtmOc3);
        var af = await sandbox.Client.OpenAddressFamilyAsync(AddressFamilyType.CO_ADDRESS_FAMILY_Q2931);
        var vc = (await sandbox.Client.CreateVcAsync(af.NdisAfHandle!, "my-vc")).NdisVcHandle!;
        var call = await sandbox.Client.MakeCallAsync(vc, CallParameters.Atm.Ubr(to: "+15550100"));
        await sandbox.Pending.CompleteAsync(call.PendingOperationId!);
        await sandbox.Client.CloseCallAsync(vc);
        await sandbox.Mcm.CompleteCloseCallAsync(vc);

        var closed = await sandbox.Events.WaitForAsync<ProtocolClCloseCallComplete>(e => e.ProtocolVcContext == "my-vc");
        Assert.Equal(NdisStatusName.NDIS_STATUS_SUCCESS, closed.Status);
        await sandbox.AssertNoViolationsAsync();
    }

    [Fact]
    public async Task AnAtmCallTornDownInOrder_Conforms()
    {
        await using var sandbox = await _ndis.CreateSandboxAsync(AdapterProfileName.AtmOc3);
        var af = (await sandbox.Client.OpenAddressFamilyAsync(AddressFamilyType.CO_ADDRESS_FAMILY_Q2931)).NdisAfHandle!;
        var vc = (await sandbox.Client.CreateVcAsync(af, "my-vc")).NdisVcHandle!;
        var call = await sandbox.Client.MakeCallAsync(vc, CallParameters.Atm.Ubr(to: "+15550100"));
        await sandbox.Pending.CompleteAsync(call.PendingOperationId!);
        await sandbox.Client.CloseCallAsync(vc);
        await sandbox.Mcm.CompleteCloseCallAsync(vc);
        await sandbox.Client.DeleteVcAsync(vc);
        await sandbox.Client.CloseAddressFamilyAsync(af);

        // No rule broken and nothing left open: what NDIS would check at unbind (GetReport; JUnit XML for CI with Accept: application/xml).
        await sandbox.AssertConformsAsync();
    }

    [Fact]
    public async Task AnIncomingIsdnCall_IsOfferedOnTheSap_AndConnects()
    {
        await using var sandbox = await _ndis.CreateSandboxAsync(AdapterProfileName.IsdnBri);
        var af = (await sandbox.Client.OpenAddressFamilyAsync(AddressFamilyType.CO_ADDRESS_FAMILY_TAPI)).NdisAfHandle!;
        var sap = (await sandbox.Client.RegisterSapAsync(af, SapType.Tapi, "0", "my-line")).NdisSapHandle!;
        var vc = (await sandbox.Mcm.CreateVcAsync(af, protocolVcContext: "incoming")).NdisVcHandle!;

        await sandbox.Mcm.DispatchIncomingCallAsync(sap, vc, CallParameters.Isdn.Voice(to: "+4930123456"));
        var offer = await sandbox.Events.WaitForAsync<ProtocolClIncomingCall>(e => e.ProtocolSapContext == "my-line");
        await sandbox.Client.IncomingCallCompleteAsync(offer.NdisVcHandle!);
        await sandbox.Mcm.DispatchCallConnectedAsync(vc);

        await sandbox.Events.WaitForAsync<ProtocolClCallConnected>(e => e.ProtocolVcContext == "incoming");
        await sandbox.AssertJournalAsync(
            (EventName.ProtocolClIncomingCall, NdisStatusName.NDIS_STATUS_PENDING),
            (EventName.NdisClIncomingCallComplete, NdisStatusName.NDIS_STATUS_SUCCESS),
            (EventName.ProtocolClCallConnected, null));
        await sandbox.AssertNoViolationsAsync();
    }
}
