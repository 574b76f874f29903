namespace NdisMock.Domain.Tests;

/// <summary>Behaviours held against the WDK reference page that documents them, one page per test.</summary>
public sealed class FidelityTests
{
    private static readonly CallParameters Atm = CallParameterDefaults.For(AddressFamilyType.Q2931);
    private static readonly CallParameters Isdn = CallParameterDefaults.For(AddressFamilyType.Tapi);

    // NdisClIncomingCallComplete: before completing the offer, the client may call NdisClModifyCallQoS one or more times.
    [Fact]
    public void ModifyCallQoS_WhileAnOfferPends_IsForwardedToTheMcm()
    {
        var sandbox = Given.Sandbox();
        var (_, _, vc, _) = sandbox.OfferedCall();
        var start = sandbox.LastSequence;

        var qos = Given.Ok(sandbox.NdisClModifyCallQoS(vc, Atm));

        Assert.Equal(OutcomeKind.Pended, qos.Kind);
        Assert.Equal(["NdisClModifyCallQoS Client PENDING", "ProtocolCmModifyCallQoS Mcm PENDING"], sandbox.Trace(start));
        Given.Ok(sandbox.CompletePendingOperation(qos.PendingOperationId!, NdisStatuses.Success));
        Given.Ok(sandbox.NdisClIncomingCallComplete(NdisStatuses.Success, vc, null));
        Given.Ok(sandbox.NdisMCmDispatchCallConnected(vc));
    }

    [Fact]
    public void IncomingCallComplete_WhileTheClientsOwnQosChangePends_IsV_CALL_13()
    {
        var sandbox = Given.Sandbox();
        var (_, _, vc, _) = sandbox.OfferedCall();
        var qos = sandbox.NdisClModifyCallQoS(vc, Atm);

        sandbox.Refused("V-CALL-13", s => s.NdisClIncomingCallComplete(NdisStatuses.Success, vc, null));
        Given.Ok(sandbox.CompletePendingOperation(qos.PendingOperationId!, NdisStatuses.Failure));
        Given.Ok(sandbox.NdisClIncomingCallComplete(NdisStatuses.Success, vc, null));
    }

    // NdisClDropParty: the caller must consider the party handle invalid as soon as it makes the call.
    [Fact]
    public void CloseCall_NamingAPartyWhoseDropPends_IsV_PTY_06()
    {
        var sandbox = Given.Sandbox();
        var (vc, parties) = sandbox.MultipointCall(2);
        Assert.Equal(OutcomeKind.Pended, sandbox.NdisClDropParty(parties[0], null).Kind);

        sandbox.Refused("V-PTY-06", s => s.NdisClCloseCall(vc, parties[0], null));
    }

    // NdisClDeregisterSap documents NDIS_STATUS_PENDING (then ProtocolClDeregisterSapComplete) and FAILURE only.
    [Fact]
    public void DeregisterSap_AnsweredAtOnceByTheMcm_ReturnsPending_AndNdisDeliversTheCompletion()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        var sap = Given.Handle(sandbox.NdisClRegisterSap(af, "sap-ctx", Given.AtmSap).NdisSapHandle);
        var start = sandbox.LastSequence;

        var deregistered = Given.Ok(sandbox.NdisClDeregisterSap(sap));

        Assert.Equal((OutcomeKind.Pended, NdisStatuses.Pending), (deregistered.Kind, deregistered.Status));
        Assert.Equal(
            ["NdisClDeregisterSap Client PENDING", "ProtocolCmDeregisterSap Mcm SUCCESS", "ProtocolClDeregisterSapComplete Client SUCCESS"],
            sandbox.Trace(start));
        var completion = sandbox.GetEvents(start)[^1];
        Assert.Equal(("sap-ctx", deregistered.PendingOperationId), (completion.ProtocolSapContext, completion.PendingOperationId));
        Assert.Empty(sandbox.GetSnapshot().Saps);
        Assert.Empty(sandbox.ListPendingOperations());
    }

    [Fact]
    public void DeregisterSap_FailedAtOnceByTheMcm_ReturnsPending_AndTheSapStays()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        var sap = Given.Handle(sandbox.NdisClRegisterSap(af, "sap-ctx", Given.AtmSap).NdisSapHandle);
        sandbox.SetBehavior(CmHandler.ProtocolCmDeregisterSap, HandlerBehavior.CompleteWith(NdisStatuses.Resources));
        var start = sandbox.LastSequence;

        Assert.Equal(NdisStatuses.Pending, Given.Ok(sandbox.NdisClDeregisterSap(sap)).Status);

        Assert.Equal(
            ["NdisClDeregisterSap Client PENDING", "ProtocolCmDeregisterSap Mcm RESOURCES", "ProtocolClDeregisterSapComplete Client RESOURCES"],
            sandbox.Trace(start));
        Assert.Single(sandbox.GetSnapshot().Saps);
    }

    // NdisClOpenAddressFamilyEx allows a synchronous status: by default the answer stays synchronous.
    [Fact]
    public void OpenAddressFamily_AnsweredAtOnce_StaysSynchronous_ByDefault()
    {
        var sandbox = Given.Sandbox();
        var start = sandbox.LastSequence;

        var opened = sandbox.NdisClOpenAddressFamilyEx(CoAddressFamily.Q2931, "af-ctx");

        Assert.Equal((OutcomeKind.Completed, NdisStatuses.Success), (opened.Kind, opened.Status));
        Assert.Equal(["NdisClOpenAddressFamilyEx Client SUCCESS", "ProtocolCmOpenAf Mcm SUCCESS"], sandbox.Trace(start));
    }

    [Fact]
    public void AlwaysPend_EveryAsynchronousClientRequestPends_AndItsCompletionArrives()
    {
        var sandbox = new Sandbox(new SandboxOptions { AlwaysPend = true });
        foreach (var handler in Enum.GetValues<CmHandler>().Where(h => h is not (CmHandler.ProtocolCoCreateVc or CmHandler.ProtocolCoDeleteVc)))
        {
            sandbox.SetBehavior(handler, HandlerBehavior.CompleteWith(NdisStatuses.Success));
        }

        var start = sandbox.LastSequence;
        var opened = sandbox.NdisClOpenAddressFamilyEx(CoAddressFamily.Q2931, "af-ctx");
        Assert.Equal((OutcomeKind.Pended, NdisStatuses.Pending), (opened.Kind, opened.Status));
        Assert.Equal(
            ["NdisClOpenAddressFamilyEx Client PENDING", "ProtocolCmOpenAf Mcm SUCCESS", "ProtocolClOpenAfCompleteEx Client SUCCESS"],
            sandbox.Trace(start));
        var af = Given.Handle(opened.NdisAfHandle);
        Assert.Equal((af, "af-ctx"), (sandbox.GetEvents(start)[^1].NdisAfHandle, sandbox.GetEvents(start)[^1].ClientAfContext));

        var vc = sandbox.ClientVc(af);
        start = sandbox.LastSequence;
        var party = Given.Ok(sandbox.NdisClMakeCall(vc, null, "p1"));
        Assert.Equal(OutcomeKind.Pended, party.Kind);
        Assert.Equal(
            ["NdisClMakeCall Client PENDING", "ProtocolCmMakeCall Mcm SUCCESS", "NdisMCmActivateVc Mcm SUCCESS", "ProtocolClMakeCallComplete Client SUCCESS"],
            sandbox.Trace(start));

        start = sandbox.LastSequence;
        var added = Given.Ok(sandbox.NdisClAddParty(vc, "p2", null));
        Assert.Equal(["NdisClAddParty Client PENDING", "ProtocolCmAddParty Mcm SUCCESS", "ProtocolClAddPartyComplete Client SUCCESS"], sandbox.Trace(start));

        start = sandbox.LastSequence;
        Assert.Equal(OutcomeKind.Pended, Given.Ok(sandbox.NdisClModifyCallQoS(vc, Atm)).Kind);
        Assert.Equal(
            ["NdisClModifyCallQoS Client PENDING", "ProtocolCmModifyCallQoS Mcm SUCCESS", "NdisMCmActivateVc Mcm SUCCESS", "ProtocolClModifyCallQoSComplete Client SUCCESS"],
            sandbox.Trace(start));

        start = sandbox.LastSequence;
        Given.Ok(sandbox.NdisClDropParty(added.NdisPartyHandle!, null));
        Assert.Equal(["NdisClDropParty Client PENDING", "ProtocolCmDropParty Mcm SUCCESS", "ProtocolClDropPartyComplete Client SUCCESS"], sandbox.Trace(start));

        // A request NDIS itself fails pends too, and its completion carries the failure.
        start = sandbox.LastSequence;
        var busy = sandbox.NdisClCloseAddressFamily(af);
        Assert.Equal((OutcomeKind.Pended, "V-AF-06"), (busy.Kind, busy.Violation?.Rule.Id));
        Assert.Equal(["NdisClCloseAddressFamily Client PENDING", "ProtocolClCloseAfComplete Client FAILURE"], sandbox.Trace(start));

        start = sandbox.LastSequence;
        Given.Ok(sandbox.NdisClCloseCall(vc, party.NdisPartyHandle, null));
        Assert.Equal(
            ["NdisClCloseCall Client PENDING", "ProtocolCmCloseCall Mcm SUCCESS", "NdisMCmDeactivateVc Mcm SUCCESS", "ProtocolClCloseCallComplete Client SUCCESS"],
            sandbox.Trace(start));
    }

    // NdisClCloseAddressFamily: the handle is invalid for the client as soon as the call occurs.
    [Fact]
    public void DispatchIncomingCall_OnAnAddressFamilyWhoseClosePends_IsRejectedAsV_AF_02()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        var sap = Given.Handle(sandbox.NdisClRegisterSap(af, "sap-ctx", Given.AtmSap).NdisSapHandle);
        var vc = Given.Handle(sandbox.NdisMCmCreateVc(af, "mp-vc", "in-vc-ctx").NdisVcHandle);
        sandbox.SetBehavior(CmHandler.ProtocolCmCloseAf, HandlerBehavior.Pend());
        Assert.Equal(OutcomeKind.Pended, sandbox.NdisClCloseAddressFamily(af).Kind);

        sandbox.Rejected("V-AF-02", NdisStatuses.Failure, s => s.NdisMCmDispatchIncomingCall(sap, vc, null));
    }

    // PROTOCOL_CL_NOTIFY_CLOSE_AF: the client tears down, closes the AF, then completes the notification.
    [Fact]
    public void NotifyCloseComplete_WithSuccess_WhileTheAfIsStillOpen_IsV_AF_07()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        sandbox.ClientVc(af);
        sandbox.NdisMCmNotifyCloseAddressFamily(af);

        sandbox.Refused("V-AF-07", s => s.NdisClNotifyCloseAddressFamilyComplete(af, NdisStatuses.Success));
        Given.Ok(sandbox.NdisClNotifyCloseAddressFamilyComplete(af, NdisStatuses.Failure));
    }

    [Fact]
    public void NotifyCloseComplete_WithSuccess_AfterTheClientClosedTheAf_IsAccepted()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        sandbox.NdisMCmNotifyCloseAddressFamily(af);
        Given.Ok(sandbox.NdisClCloseAddressFamily(af));

        Given.Ok(sandbox.NdisClNotifyCloseAddressFamilyComplete(af, NdisStatuses.Success));
    }

    // PROTOCOL_CM_MODIFY_QOS_CALL: parameters the network cannot take leave the VC as it was, and the answer is FAILURE.
    [Fact]
    public void ModifyCallQoS_TheLinkCannotCarry_FailsWithFailure()
    {
        var sandbox = Given.Sandbox(profile: AdapterProfile.Atm25);
        var (_, vc) = sandbox.ConnectedCall();
        var before = sandbox.GetSnapshot().Vcs.Single().CallParameters;
        var start = sandbox.LastSequence;

        var refused = sandbox.NdisClModifyCallQoS(vc, Cbr(70_000));

        Assert.Equal((OutcomeKind.Completed, NdisStatuses.Failure), (refused.Kind, refused.Status));
        Assert.Equal(["NdisClModifyCallQoS Client FAILURE", "ProtocolCmModifyCallQoS Mcm FAILURE"], sandbox.Trace(start));
        Assert.Equal(before, sandbox.GetSnapshot().Vcs.Single().CallParameters);
    }

    // PROTOCOL_CL_MAKE_CALL_COMPLETE / "Making a Call": what the MCM filled in is flagged CALL_PARAMETERS_CHANGED.
    [Fact]
    public void MakeCallComplete_WithTheVciTheMcmChose_FlagsCallParametersChanged()
    {
        var sandbox = Given.Sandbox();
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        var made = sandbox.NdisClMakeCall(vc, Atm, null);
        var start = sandbox.LastSequence;

        Given.Ok(sandbox.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success));

        var completion = sandbox.GetEvents(start).Single(e => e.Name == EventName.ProtocolClMakeCallComplete);
        Assert.Equal(32, completion.CallParameters!.MediaParameters!.Atm!.Vci);
        Assert.True(completion.CallParameters.ParametersChanged);
    }

    [Fact]
    public void MakeCallComplete_WithNothingLeftOpen_DoesNotFlagAChange()
    {
        var sandbox = Given.Sandbox();
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        var exact = Atm with { MediaParameters = Atm.MediaParameters! with { Atm = Atm.MediaParameters.Atm! with { Vci = 40 } } };
        var made = sandbox.NdisClMakeCall(vc, exact, null);
        var start = sandbox.LastSequence;

        Given.Ok(sandbox.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success));

        var completion = sandbox.GetEvents(start).Single(e => e.Name == EventName.ProtocolClMakeCallComplete);
        Assert.Equal(exact, completion.CallParameters);
    }

    [Fact]
    public void MakeCallComplete_OnIsdn_FlagsTheBChannelsTheMcmAllocated()
    {
        var sandbox = Given.Sandbox(profile: AdapterProfile.IsdnBri);
        var vc = sandbox.ClientVc(sandbox.OpenAf(family: CoAddressFamily.Tapi));
        var made = sandbox.NdisClMakeCall(vc, Isdn, null);
        var start = sandbox.LastSequence;

        Given.Ok(sandbox.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success));

        var completion = sandbox.GetEvents(start).Single(e => e.Name == EventName.ProtocolClMakeCallComplete);
        Assert.Equal(1u, completion.CallParameters!.MediaParameters!.Isdn!.BChannels);
        Assert.True(completion.CallParameters.ParametersChanged);
    }

    // NdisClIncomingCallComplete: a client that changed the offered parameters sets CALL_PARAMETERS_CHANGED; the flag decides.
    [Fact]
    public void IncomingCallComplete_ChangedParameters_CountOnlyWithTheFlag()
    {
        var sandbox = Given.Sandbox();
        var (_, _, vc, _) = sandbox.OfferedCall();
        var offered = sandbox.GetSnapshot().Vcs.Single().CallParameters;
        var other = offered! with { MediaParameters = offered.MediaParameters! with { ReceiveSizeHint = 1500 } };

        Given.Ok(sandbox.NdisClIncomingCallComplete(NdisStatuses.Success, vc, other));
        Assert.Equal(offered, sandbox.GetSnapshot().Vcs.Single().CallParameters);

        var second = Given.Sandbox();
        var (_, _, vc2, _) = second.OfferedCall();
        var changed = other with { Flags = CallParameterFlags.CallParametersChanged };
        Given.Ok(second.NdisClIncomingCallComplete(NdisStatuses.Success, vc2, changed));
        Assert.Equal(changed, second.GetSnapshot().Vcs.Single().CallParameters);
        Assert.Equal(changed, second.GetEvents(0).Single(e => e.Name == EventName.ProtocolCmIncomingCallComplete).CallParameters);
    }

    // Lenient ordering lets deactivation follow the close completion, not be skipped before the VC is offered again.
    [Fact]
    public void DispatchIncomingCall_OnAnMcmVcNeverDeactivatedAfterItsLastCall_WarnsV_CALL_03_WhenLenient()
    {
        var sandbox = Given.Sandbox(McmDuties.Manual, Strictness.Lenient);
        var (_, sap, vc, _) = sandbox.OfferedCall();
        Given.Ok(sandbox.NdisClIncomingCallComplete(NdisStatuses.Success, vc, null));
        Given.Ok(sandbox.NdisMCmDispatchCallConnected(vc));
        sandbox.NdisClCloseCall(vc, null, null);
        Assert.Contains(Given.Ok(sandbox.NdisMCmCloseCallComplete(NdisStatuses.Success, vc, null)).Warnings, w => w.Rule.Id == "V-CALL-03");

        var again = Given.Ok(sandbox.NdisMCmDispatchIncomingCall(sap, vc, null));

        Assert.Contains(again.Warnings, w => w.Rule.Id == "V-CALL-03");
    }

    // PROTOCOL_CM_MAKE_CALL: NOT_SUPPORTED for call parameters the call manager cannot use.
    [Fact]
    public void MakeCall_WithTapiParametersOnAnAtmVc_IsNotSupported_AndReservesNothing()
    {
        var sandbox = Given.Sandbox();
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        var start = sandbox.LastSequence;

        var made = sandbox.NdisClMakeCall(vc, Isdn, null);

        Assert.Equal((OutcomeKind.Completed, NdisStatuses.NotSupported), (made.Kind, made.Status));
        Assert.Equal(["NdisClMakeCall Client NOT_SUPPORTED", "ProtocolCmMakeCall Mcm NOT_SUPPORTED"], sandbox.Trace(start));
        Assert.Equal(0, sandbox.GetSnapshot().Network.Calls);
    }

    [Fact]
    public void MakeCall_WithAtmMediaParametersOnAnIsdnVc_IsNotSupported()
    {
        var sandbox = Given.Sandbox(profile: AdapterProfile.IsdnBri);
        var vc = sandbox.ClientVc(sandbox.OpenAf(family: CoAddressFamily.Tapi));

        Assert.Equal(NdisStatuses.NotSupported, sandbox.NdisClMakeCall(vc, Isdn with { MediaParameters = Atm.MediaParameters }, null).Status);
    }

    // PROTOCOL_CM_MODIFY_QOS_CALL: INVALID_DATA for call parameters that are illegal or invalid.
    [Fact]
    public void ModifyCallQoS_WithTheOtherFamilysParameters_IsInvalidData()
    {
        var sandbox = Given.Sandbox();
        var (_, vc) = sandbox.ConnectedCall();

        Assert.Equal(NdisStatuses.InvalidData, sandbox.NdisClModifyCallQoS(vc, Isdn).Status);
    }

    private static CallParameters Cbr(uint cellsPerSecond)
    {
        var flow = new AtmFlowParameters(AtmServiceCategory.Cbr, cellsPerSecond, cellsPerSecond, 0, 9188);
        return Atm with { MediaParameters = Atm.MediaParameters! with { Atm = Atm.MediaParameters.Atm! with { Transmit = flow, Receive = flow } } };
    }
}
