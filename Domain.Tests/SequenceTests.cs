namespace NdisMock.Domain.Tests;

/// <summary>The CoNDIS sequences of docs/flows.md, each run through the Domain with its journal checked in order.</summary>
public sealed class SequenceTests
{
    [Fact]
    public void Creation_RegistersBothAddressFamilies_AndNotifiesTheClient()
    {
        var sandbox = Given.Sandbox();

        Assert.Equal(
            [
                "NdisMCmRegisterAddressFamilyEx Mcm SUCCESS", "ProtocolCoAfRegisterNotify Client",
                "NdisMCmRegisterAddressFamilyEx Mcm SUCCESS", "ProtocolCoAfRegisterNotify Client",
            ],
            sandbox.Trace(0));
        var families = sandbox.GetEvents(0).Where(e => e.Name == EventName.ProtocolCoAfRegisterNotify).Select(e => e.AddressFamily!.AddressFamily);
        Assert.Equal([AddressFamilyType.Q2931, AddressFamilyType.Tapi], families);
    }

    [Fact]
    public void S7_1_OutgoingPointToPointCall_SetupAndTeardownBothPended()
    {
        var sandbox = Given.Sandbox(McmDuties.Manual);
        var start = sandbox.LastSequence;
        var af = sandbox.OpenAf("my-af");

        var created = Given.Ok(sandbox.NdisCoCreateVc(af, "my-vc"));
        var vc = created.NdisVcHandle!;
        Assert.True(created.Created);
        var made = sandbox.NdisClMakeCall(vc, null, null);
        Assert.Equal(OutcomeKind.Pended, made.Kind);
        Assert.Equal(NdisStatuses.Pending, made.Status);
        Given.Ok(sandbox.NdisMCmActivateVc(vc, null));
        Given.Ok(sandbox.NdisMCmMakeCallComplete(NdisStatuses.Success, vc, null, null, null));
        var closed = sandbox.NdisClCloseCall(vc, null, null);
        Assert.Equal(OutcomeKind.Pended, closed.Kind);
        Given.Ok(sandbox.NdisMCmDeactivateVc(vc));
        Given.Ok(sandbox.NdisMCmCloseCallComplete(NdisStatuses.Success, vc, null));
        Given.Ok(sandbox.NdisCoDeleteVc(vc));

        Assert.Equal(
            [
                "NdisClOpenAddressFamilyEx Client SUCCESS", "ProtocolCmOpenAf Mcm SUCCESS",
                "NdisCoCreateVc Client SUCCESS", "ProtocolCoCreateVc Mcm SUCCESS",
                "NdisClMakeCall Client PENDING", "ProtocolCmMakeCall Mcm PENDING",
                "NdisMCmActivateVc Mcm SUCCESS",
                "NdisMCmMakeCallComplete Mcm SUCCESS", "ProtocolClMakeCallComplete Client SUCCESS",
                "NdisClCloseCall Client PENDING", "ProtocolCmCloseCall Mcm PENDING",
                "NdisMCmDeactivateVc Mcm SUCCESS",
                "NdisMCmCloseCallComplete Mcm SUCCESS", "ProtocolClCloseCallComplete Client SUCCESS",
                "NdisCoDeleteVc Client SUCCESS", "ProtocolCoDeleteVc Mcm SUCCESS",
            ],
            sandbox.Trace(start));
        var events = sandbox.GetEvents(start);
        Assert.All(events.Where(e => e.Name is EventName.ProtocolClMakeCallComplete or EventName.ProtocolClCloseCallComplete),
            e => Assert.Equal("my-vc", e.ProtocolVcContext));
        var closeComplete = events.Single(e => e.Name == EventName.ProtocolClCloseCallComplete);
        Assert.Equal(closed.PendingOperationId, closeComplete.PendingOperationId);
        Assert.Null(closeComplete.ProtocolPartyContext);
        Assert.Empty(sandbox.GetSnapshot().Vcs);
        Assert.Empty(sandbox.GetViolations());
    }

    [Fact]
    public void S7_1_WithAutoDuties_TheMcmActivatesAndDeactivatesByItself()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        var vc = sandbox.ClientVc(af);
        var start = sandbox.LastSequence;

        var made = sandbox.NdisClMakeCall(vc, null, null);
        Given.Ok(sandbox.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success));
        var closed = sandbox.NdisClCloseCall(vc, null, null);
        Given.Ok(sandbox.CompletePendingOperation(closed.PendingOperationId!, NdisStatuses.Success));

        Assert.Equal(
            [
                "NdisClMakeCall Client PENDING", "ProtocolCmMakeCall Mcm PENDING",
                "NdisMCmActivateVc Mcm SUCCESS",
                "NdisMCmMakeCallComplete Mcm SUCCESS", "ProtocolClMakeCallComplete Client SUCCESS",
                "NdisClCloseCall Client PENDING", "ProtocolCmCloseCall Mcm PENDING",
                "NdisMCmDeactivateVc Mcm SUCCESS",
                "NdisMCmCloseCallComplete Mcm SUCCESS", "ProtocolClCloseCallComplete Client SUCCESS",
            ],
            sandbox.Trace(start));
        var view = Assert.Single(sandbox.GetSnapshot().Vcs);
        Assert.Equal((Activation.Inactive, CallState.Closed), (view.Activation, view.CallState));
    }

    [Fact]
    public void S7_1_FailureVariant_ClientSeesTheErrorAndDeletesItsVc()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        var vc = sandbox.ClientVc(af, "vc-ctx");
        var made = sandbox.NdisClMakeCall(vc, null, null);
        var start = sandbox.LastSequence;

        Given.Ok(sandbox.NdisMCmMakeCallComplete(NdisStatuses.IncompatableQos, vc, null, null, null));
        Given.Ok(sandbox.NdisCoDeleteVc(vc));

        Assert.Equal(
            [
                "NdisMCmMakeCallComplete Mcm INCOMPATABLE_QOS", "ProtocolClMakeCallComplete Client INCOMPATABLE_QOS",
                "NdisCoDeleteVc Client SUCCESS", "ProtocolCoDeleteVc Mcm SUCCESS",
            ],
            sandbox.Trace(start));
        var callback = sandbox.GetEvents(start)[1];
        Assert.Equal(("vc-ctx", made.PendingOperationId), (callback.ProtocolVcContext, callback.PendingOperationId));
    }

    [Fact]
    public void S7_2_IncomingCall_Accepted()
    {
        var sandbox = Given.Sandbox(McmDuties.Manual);
        var af = sandbox.OpenAf("in-af");
        sandbox.SetBehavior(CmHandler.ProtocolCmRegisterSap, HandlerBehavior.Pend());
        var start = sandbox.LastSequence;

        var registered = sandbox.NdisClRegisterSap(af, "my-sap", Given.AtmSap);
        var sap = registered.NdisSapHandle!;
        Given.Ok(sandbox.NdisMCmRegisterSapComplete(NdisStatuses.Success, sap, "cm-sap"));
        var vc = Given.Ok(sandbox.NdisMCmCreateVc(af, "mp-vc", "in-vc")).NdisVcHandle!;
        Given.Ok(sandbox.NdisMCmActivateVc(vc, null));
        var offer = sandbox.NdisMCmDispatchIncomingCall(sap, vc, null);
        Assert.Equal(OutcomeKind.Pended, offer.Kind);
        Given.Ok(sandbox.NdisClIncomingCallComplete(NdisStatuses.Success, vc, null));
        Given.Ok(sandbox.NdisMCmDispatchCallConnected(vc));

        Assert.Equal(
            [
                "NdisClRegisterSap Client PENDING", "ProtocolCmRegisterSap Mcm PENDING",
                "NdisMCmRegisterSapComplete Mcm SUCCESS", "ProtocolClRegisterSapComplete Client SUCCESS",
                "NdisMCmCreateVc Mcm SUCCESS", "ProtocolCoCreateVc Client SUCCESS",
                "NdisMCmActivateVc Mcm SUCCESS",
                "NdisMCmDispatchIncomingCall Mcm PENDING", "ProtocolClIncomingCall Client PENDING",
                "NdisClIncomingCallComplete Client SUCCESS", "ProtocolCmIncomingCallComplete Mcm SUCCESS",
                "NdisMCmDispatchCallConnected Mcm", "ProtocolClCallConnected Client",
            ],
            sandbox.Trace(start));
        var events = sandbox.GetEvents(start);
        var sapComplete = events.Single(e => e.Name == EventName.ProtocolClRegisterSapComplete);
        Assert.Equal(("my-sap", sap, Given.AtmSap), (sapComplete.ProtocolSapContext, sapComplete.NdisSapHandle, sapComplete.Sap));
        Assert.Equal("in-af", events.Single(e => e.Name == EventName.ProtocolCoCreateVc).ClientAfContext);
        var incoming = events.Single(e => e.Name == EventName.ProtocolClIncomingCall);
        Assert.Equal(("my-sap", "in-vc", offer.PendingOperationId), (incoming.ProtocolSapContext, incoming.ProtocolVcContext, incoming.PendingOperationId));
        Assert.Equal("in-vc", events.Single(e => e.Name == EventName.ProtocolClCallConnected).ProtocolVcContext);
        Assert.Equal("mp-vc", events.Single(e => e.Name == EventName.ProtocolCmIncomingCallComplete).CallMgrVcContext);
        Assert.Equal(CallState.Connected, sandbox.GetSnapshot().Vcs.Single().CallState);
    }

    [Fact]
    public void S7_2_IncomingCall_Rejected_TheMcmDeactivatesAndDeletesItsVc()
    {
        var sandbox = Given.Sandbox();
        var (_, _, vc, _) = sandbox.OfferedCall();
        var start = sandbox.LastSequence;

        Given.Ok(sandbox.NdisClIncomingCallComplete(NdisStatuses.NotSupported, vc, null));

        Assert.Equal(
            [
                "NdisClIncomingCallComplete Client NOT_SUPPORTED", "ProtocolCmIncomingCallComplete Mcm NOT_SUPPORTED",
                "NdisMCmDeactivateVc Mcm SUCCESS",
                "NdisMCmDeleteVc Mcm SUCCESS", "ProtocolCoDeleteVc Client SUCCESS",
            ],
            sandbox.Trace(start));
        Assert.Equal("in-vc-ctx", sandbox.GetEvents(start)[^1].ProtocolVcContext);
        Assert.Empty(sandbox.GetSnapshot().Vcs);
    }

    [Fact]
    public void S7_3_RemoteInitiatedClose_OnAnMcmCreatedVc()
    {
        var sandbox = Given.Sandbox(McmDuties.Manual);
        var (_, _, vc, _) = sandbox.OfferedCall();
        Given.Ok(sandbox.NdisClIncomingCallComplete(NdisStatuses.Success, vc, null));
        Given.Ok(sandbox.NdisMCmDispatchCallConnected(vc));
        var start = sandbox.LastSequence;

        Given.Ok(sandbox.NdisMCmDispatchIncomingCloseCall(NdisStatuses.Success, vc, null));
        var closed = sandbox.NdisClCloseCall(vc, null, null);
        Given.Ok(sandbox.NdisMCmDeactivateVc(vc));
        Given.Ok(sandbox.NdisMCmCloseCallComplete(NdisStatuses.Success, vc, null));
        Given.Ok(sandbox.NdisMCmDeleteVc(vc));

        Assert.Equal(OutcomeKind.Pended, closed.Kind);
        Assert.Equal(
            [
                "NdisMCmDispatchIncomingCloseCall Mcm SUCCESS", "ProtocolClIncomingCloseCall Client SUCCESS",
                "NdisClCloseCall Client PENDING", "ProtocolCmCloseCall Mcm PENDING",
                "NdisMCmDeactivateVc Mcm SUCCESS",
                "NdisMCmCloseCallComplete Mcm SUCCESS", "ProtocolClCloseCallComplete Client SUCCESS",
                "NdisMCmDeleteVc Mcm SUCCESS", "ProtocolCoDeleteVc Client SUCCESS",
            ],
            sandbox.Trace(start));
        Assert.All(sandbox.GetEvents(start).Where(e => e.Role == Role.Client), e => Assert.Equal("in-vc-ctx", e.ProtocolVcContext));
        Assert.Empty(sandbox.GetViolations());
    }

    [Fact]
    public void S7_3_RemoteClose_OnAClientVc_ClientMayKeepAndReuseTheVc()
    {
        var sandbox = Given.Sandbox();
        var (_, vc) = sandbox.ConnectedCall();

        Given.Ok(sandbox.NdisMCmDispatchIncomingCloseCall(NdisStatuses.DestOutOfOrder, vc, null));
        var closed = sandbox.NdisClCloseCall(vc, null, null);
        Given.Ok(sandbox.CompletePendingOperation(closed.PendingOperationId!, NdisStatuses.Success));
        var again = sandbox.NdisClMakeCall(vc, null, null);

        Assert.Equal(OutcomeKind.Pended, again.Kind);
        Assert.Equal(CallState.MakeCallPending, sandbox.GetSnapshot().Vcs.Single().CallState);
    }

    [Fact]
    public void S7_4_Multipoint_AddParty_RemoteDrop_LocalDrop_CloseWithLastParty()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        var vc = sandbox.ClientVc(af, "mp-vc");
        var start = sandbox.LastSequence;

        var made = sandbox.NdisClMakeCall(vc, null, "p1");
        var p1 = made.NdisPartyHandle!;
        Given.Ok(sandbox.NdisMCmMakeCallComplete(NdisStatuses.Success, vc, p1, "cm-p1", null));
        var added2 = sandbox.NdisClAddParty(vc, "p2", null);
        var p2 = added2.NdisPartyHandle!;
        Given.Ok(sandbox.NdisMCmAddPartyComplete(NdisStatuses.Success, p2, "cm-p2", null));
        var added3 = sandbox.NdisClAddParty(vc, "p3", null);
        var p3 = added3.NdisPartyHandle!;
        Given.Ok(sandbox.NdisMCmAddPartyComplete(NdisStatuses.Success, p3, "cm-p3", null));
        Given.Ok(sandbox.NdisMCmDispatchIncomingDropParty(NdisStatuses.Success, p2, null));
        sandbox.NdisClDropParty(p2, null);
        Given.Ok(sandbox.NdisMCmDropPartyComplete(NdisStatuses.Success, p2));
        sandbox.NdisClDropParty(p1, null);
        Given.Ok(sandbox.NdisMCmDropPartyComplete(NdisStatuses.Success, p1));
        var dropLast = sandbox.NdisClDropParty(p3, null);
        var closed = sandbox.NdisClCloseCall(vc, p3, null);
        Given.Ok(sandbox.NdisMCmCloseCallComplete(NdisStatuses.Success, vc, p3));
        Given.Ok(sandbox.NdisCoDeleteVc(vc));

        Assert.Equal(NdisStatuses.Failure, dropLast.Status);
        Assert.Equal(OutcomeKind.Pended, closed.Kind);
        Assert.Equal(
            [
                "NdisClMakeCall Client PENDING", "ProtocolCmMakeCall Mcm PENDING",
                "NdisMCmActivateVc Mcm SUCCESS",
                "NdisMCmMakeCallComplete Mcm SUCCESS", "ProtocolClMakeCallComplete Client SUCCESS",
                "NdisClAddParty Client PENDING", "ProtocolCmAddParty Mcm PENDING",
                "NdisMCmAddPartyComplete Mcm SUCCESS", "ProtocolClAddPartyComplete Client SUCCESS",
                "NdisClAddParty Client PENDING", "ProtocolCmAddParty Mcm PENDING",
                "NdisMCmAddPartyComplete Mcm SUCCESS", "ProtocolClAddPartyComplete Client SUCCESS",
                "NdisMCmDispatchIncomingDropParty Mcm SUCCESS", "ProtocolClIncomingDropParty Client SUCCESS",
                "NdisClDropParty Client PENDING", "ProtocolCmDropParty Mcm PENDING",
                "NdisMCmDropPartyComplete Mcm SUCCESS", "ProtocolClDropPartyComplete Client SUCCESS",
                "NdisClDropParty Client PENDING", "ProtocolCmDropParty Mcm PENDING",
                "NdisMCmDropPartyComplete Mcm SUCCESS", "ProtocolClDropPartyComplete Client SUCCESS",
                "NdisClDropParty Client FAILURE", "ProtocolCmDropParty Mcm FAILURE",
                "NdisClCloseCall Client PENDING", "ProtocolCmCloseCall Mcm PENDING",
                "NdisMCmDeactivateVc Mcm SUCCESS",
                "NdisMCmCloseCallComplete Mcm SUCCESS", "ProtocolClCloseCallComplete Client SUCCESS",
                "NdisCoDeleteVc Client SUCCESS", "ProtocolCoDeleteVc Mcm SUCCESS",
            ],
            sandbox.Trace(start));
        var events = sandbox.GetEvents(start);
        Assert.Equal(p1, events.Single(e => e.Name == EventName.ProtocolClMakeCallComplete).NdisPartyHandle);
        Assert.Equal(["p2", "p3"], events.Where(e => e.Name == EventName.ProtocolClAddPartyComplete).Select(e => e.ProtocolPartyContext));
        Assert.Equal("p2", events.Single(e => e.Name == EventName.ProtocolClIncomingDropParty).ProtocolPartyContext);
        Assert.Equal(["p2", "p1"], events.Where(e => e.Name == EventName.ProtocolClDropPartyComplete).Select(e => e.ProtocolPartyContext));
        var closeComplete = events.Single(e => e.Name == EventName.ProtocolClCloseCallComplete);
        Assert.Equal(("mp-vc", "p3"), (closeComplete.ProtocolVcContext, closeComplete.ProtocolPartyContext));
        Assert.Equal("cm-p3", events.Single(e => e.Name == EventName.ProtocolCmCloseCall).CallMgrPartyContext);
    }

    [Fact]
    public void S7_4_LastRemotePartyLeaves_WithIncomingCloseCall_ClientClosesWithIt()
    {
        var sandbox = Given.Sandbox();
        var (vc, parties) = sandbox.MultipointCall(1);

        Given.Ok(sandbox.NdisMCmDispatchIncomingCloseCall(NdisStatuses.Success, vc, null));
        var closed = sandbox.NdisClCloseCall(vc, parties[0], null);
        Given.Ok(sandbox.CompletePendingOperation(closed.PendingOperationId!, NdisStatuses.Success));

        var complete = sandbox.GetEvents(0).Last(e => e.Name == EventName.ProtocolClCloseCallComplete);
        Assert.Equal("party-ctx-1", complete.ProtocolPartyContext);
        Assert.Equal(CallState.Closed, sandbox.GetSnapshot().Vcs.Single().CallState);
    }

    [Fact]
    public void S7_5_McmCreatedVc_IsReusedForASecondOfferToTheSameClient()
    {
        var sandbox = Given.Sandbox(McmDuties.Manual);
        var (_, sap, vc, _) = sandbox.OfferedCall();
        Given.Ok(sandbox.NdisClIncomingCallComplete(NdisStatuses.Success, vc, null));
        Given.Ok(sandbox.NdisMCmDispatchCallConnected(vc));
        Given.Ok(sandbox.NdisMCmDispatchIncomingCloseCall(NdisStatuses.Success, vc, null));
        sandbox.NdisClCloseCall(vc, null, null);
        Given.Ok(sandbox.NdisMCmDeactivateVc(vc));
        Given.Ok(sandbox.NdisMCmCloseCallComplete(NdisStatuses.Success, vc, null));
        var start = sandbox.LastSequence;

        Given.Ok(sandbox.NdisMCmActivateVc(vc, null));
        var again = sandbox.NdisMCmDispatchIncomingCall(sap, vc, null);
        Given.Ok(sandbox.NdisClIncomingCallComplete(NdisStatuses.Success, vc, null));
        Given.Ok(sandbox.NdisMCmDispatchCallConnected(vc));

        Assert.Equal(OutcomeKind.Pended, again.Kind);
        Assert.Equal(
            [
                "NdisMCmActivateVc Mcm SUCCESS",
                "NdisMCmDispatchIncomingCall Mcm PENDING", "ProtocolClIncomingCall Client PENDING",
                "NdisClIncomingCallComplete Client SUCCESS", "ProtocolCmIncomingCallComplete Mcm SUCCESS",
                "NdisMCmDispatchCallConnected Mcm", "ProtocolClCallConnected Client",
            ],
            sandbox.Trace(start));
    }

    [Fact]
    public void S7_5_DeletingAnActiveMcmVc_IsNotAccepted_UntilItIsDeactivated()
    {
        var sandbox = Given.Sandbox(McmDuties.Manual);
        var af = sandbox.OpenAf();
        var vc = sandbox.NdisMCmCreateVc(af, null, "c").NdisVcHandle!;
        Given.Ok(sandbox.NdisMCmActivateVc(vc, null));

        sandbox.Rejected("V-VC-05", NdisStatuses.NotAccepted, s => s.NdisMCmDeleteVc(vc));
        Given.Ok(sandbox.NdisMCmDeactivateVc(vc));

        Assert.Equal(NdisStatuses.Success, sandbox.NdisMCmDeleteVc(vc).Status);
    }

    [Fact]
    public void S7_6_AddressFamilyTeardownInitiatedByTheMcm()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf("halting-af");
        var sap = sandbox.NdisClRegisterSap(af, "s", Given.AtmSap).NdisSapHandle!;
        var vc = sandbox.ClientVc(af);
        var made = sandbox.NdisClMakeCall(vc, null, null);
        Given.Ok(sandbox.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success));
        sandbox.SetBehavior(CmHandler.ProtocolCmCloseAf, HandlerBehavior.Pend());
        var start = sandbox.LastSequence;

        var notified = sandbox.NdisMCmNotifyCloseAddressFamily(af);
        var closed = sandbox.NdisClCloseCall(vc, null, null);
        Given.Ok(sandbox.CompletePendingOperation(closed.PendingOperationId!, NdisStatuses.Success));
        Given.Ok(sandbox.NdisCoDeleteVc(vc));
        Given.Ok(sandbox.NdisClDeregisterSap(sap));
        var closeAf = sandbox.NdisClCloseAddressFamily(af);
        Given.Ok(sandbox.NdisMCmCloseAddressFamilyComplete(NdisStatuses.Success, af));
        Given.Ok(sandbox.NdisClNotifyCloseAddressFamilyComplete(af, NdisStatuses.Success));

        Assert.Equal((OutcomeKind.Pended, OutcomeKind.Pended), (notified.Kind, closeAf.Kind));
        Assert.Equal(
            [
                "NdisMCmNotifyCloseAddressFamily Mcm PENDING", "ProtocolClNotifyCloseAf Client PENDING",
                "NdisClCloseCall Client PENDING", "ProtocolCmCloseCall Mcm PENDING",
                "NdisMCmDeactivateVc Mcm SUCCESS",
                "NdisMCmCloseCallComplete Mcm SUCCESS", "ProtocolClCloseCallComplete Client SUCCESS",
                "NdisCoDeleteVc Client SUCCESS", "ProtocolCoDeleteVc Mcm SUCCESS",
                "NdisClDeregisterSap Client PENDING", "ProtocolCmDeregisterSap Mcm SUCCESS", "ProtocolClDeregisterSapComplete Client SUCCESS",
                "NdisClCloseAddressFamily Client PENDING", "ProtocolCmCloseAf Mcm PENDING",
                "NdisMCmCloseAddressFamilyComplete Mcm SUCCESS", "ProtocolClCloseAfComplete Client SUCCESS",
                "NdisClNotifyCloseAddressFamilyComplete Client SUCCESS", "ProtocolCmNotifyCloseAfComplete Mcm SUCCESS",
            ],
            sandbox.Trace(start));
        var events = sandbox.GetEvents(start);
        Assert.Equal("halting-af", events.Single(e => e.Name == EventName.ProtocolClNotifyCloseAf).ClientAfContext);
        Assert.Equal("halting-af", events.Single(e => e.Name == EventName.ProtocolClCloseAfComplete).ClientAfContext);
        Assert.Equal($"cm-{af}", events.Single(e => e.Name == EventName.ProtocolCmNotifyCloseAfComplete).CallMgrAfContext);
        Assert.Empty(sandbox.GetSnapshot().AddressFamilies);
        Assert.Empty(sandbox.GetViolations());
    }
}
