namespace NdisMock.Domain.Tests;

/// <summary>Calls and parties: their V-* ids (docs/rules.md), with the strictness of docs/rules.md#v-call-03 and #v-call-06.</summary>
public sealed class CallRuleTests
{
    private static readonly CallParameters Faster = CallParameterDefaults.For(AddressFamilyType.Q2931) with { Flags = CallParameterFlags.QueryCallParameters };

    /// <summary>
    /// The parameters as the MCM reports them after granting them: with the VCI the call holds (the first, 32), which the
    /// MCM filled in, so flagged CALL_PARAMETERS_CHANGED.
    /// </summary>
    private static readonly CallParameters FasterGranted = Faster with
    {
        Flags = Faster.Flags | CallParameterFlags.CallParametersChanged,
        MediaParameters = Faster.MediaParameters! with { Atm = Faster.MediaParameters.Atm! with { Vci = 32 } },
    };

    [Fact]
    public void MakeCallComplete_OnAnInactiveVc_IsV_CALL_01_WithManualDuties()
    {
        var sandbox = Given.Sandbox(McmDuties.Manual);
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        sandbox.NdisClMakeCall(vc, null, null);

        sandbox.Refused("V-CALL-01", s => s.NdisMCmMakeCallComplete(NdisStatuses.Success, vc, null, null, null));
        Given.Ok(sandbox.NdisMCmActivateVc(vc, null));
        Given.Ok(sandbox.NdisMCmMakeCallComplete(NdisStatuses.Success, vc, null, null, null));
    }

    [Fact]
    public void MakeCallComplete_WithAPartyOnAPointToPointCall_IsV_CALL_02()
    {
        var sandbox = Given.Sandbox();
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        sandbox.NdisClMakeCall(vc, null, null);

        sandbox.Refused("V-CALL-02", s => s.NdisMCmMakeCallComplete(NdisStatuses.Success, vc, null, "cm-party", null));
    }

    [Fact]
    public void MakeCallComplete_WithoutThePartyOfAMultipointCall_IsV_CALL_02()
    {
        var sandbox = Given.Sandbox();
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        sandbox.NdisClMakeCall(vc, null, "p1");

        sandbox.Refused("V-CALL-02", s => s.NdisMCmMakeCallComplete(NdisStatuses.Success, vc, null, null, null));
    }

    [Fact]
    public void MakeCallComplete_SucceedingWithoutAPartyContext_IsV_PTY_01()
    {
        var sandbox = Given.Sandbox();
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        var party = sandbox.NdisClMakeCall(vc, null, "p1").NdisPartyHandle!;

        sandbox.Refused("V-PTY-01", s => s.NdisMCmMakeCallComplete(NdisStatuses.Success, vc, party, null, null));
    }

    [Fact]
    public void FailedMakeCall_InvalidatesTheInitialParty_R_CALL_5()
    {
        var sandbox = Given.Sandbox();
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        var party = sandbox.NdisClMakeCall(vc, null, "p1").NdisPartyHandle!;

        Given.Ok(sandbox.NdisMCmMakeCallComplete(NdisStatuses.Resources, vc, party, null, null));

        Assert.Null(sandbox.GetEvents(0)[^1].NdisPartyHandle);
        sandbox.Refused("V-PTY-06", s => s.NdisClDropParty(party, null));
    }

    [Fact]
    public void CloseCallComplete_WhileTheVcIsActive_IsV_CALL_03_WhenStrict()
    {
        var sandbox = Given.Sandbox(McmDuties.Manual, Strictness.Strict);
        var (_, vc) = ConnectedManually(sandbox);
        sandbox.NdisClCloseCall(vc, null, null);

        sandbox.Refused("V-CALL-03", s => s.NdisMCmCloseCallComplete(NdisStatuses.Success, vc, null));
    }

    [Fact]
    public void CloseCallComplete_WhileTheVcIsActive_IsAWarning_WhenLenient_AndDeactivationMustFollow()
    {
        var sandbox = Given.Sandbox(McmDuties.Manual, Strictness.Lenient);
        var (_, vc) = ConnectedManually(sandbox);
        sandbox.NdisClCloseCall(vc, null, null);

        var completed = Given.Ok(sandbox.NdisMCmCloseCallComplete(NdisStatuses.Success, vc, null));

        var warning = Assert.Single(completed.Warnings);
        Assert.Equal(("V-CALL-03", Severity.Warning), (warning.Rule.Id, warning.Severity));
        sandbox.Rejected("V-VC-05", NdisStatuses.NotAccepted, s => s.NdisCoDeleteVc(vc));
        sandbox.Rejected("V-CALL-12", NdisStatuses.Failure, s => s.NdisClMakeCall(vc, null, null));
        Given.Ok(sandbox.NdisMCmDeactivateVc(vc));
        Given.Ok(sandbox.NdisCoDeleteVc(vc));
    }

    [Fact]
    public void CloseCallComplete_WithTheWrongParty_IsV_CALL_04()
    {
        var sandbox = Given.Sandbox();
        var (vc, parties) = sandbox.MultipointCall(1);
        sandbox.NdisClCloseCall(vc, parties[0], null);
        var (_, pointToPoint) = sandbox.ConnectedCall();
        sandbox.NdisClCloseCall(pointToPoint, null, null);

        sandbox.Refused("V-CALL-04", s => s.NdisMCmCloseCallComplete(NdisStatuses.Success, vc, null));
        sandbox.Refused("V-CALL-04", s => s.NdisMCmCloseCallComplete(NdisStatuses.Success, pointToPoint, parties[0]));
    }

    [Fact]
    public void ClientCloseCall_NamingAPartyOnAPointToPointCall_IsV_CALL_04()
    {
        var sandbox = Given.Sandbox();
        var (_, parties) = sandbox.MultipointCall(1);
        var (_, vc) = sandbox.ConnectedCall();

        sandbox.Refused("V-CALL-04", s => s.NdisClCloseCall(vc, parties[0], null));
    }

    [Fact]
    public void FailedClose_LeavesTheCallConnected()
    {
        var sandbox = Given.Sandbox();
        var (_, vc) = sandbox.ConnectedCall();
        var closed = sandbox.NdisClCloseCall(vc, null, null);

        Given.Ok(sandbox.CompletePendingOperation(closed.PendingOperationId!, NdisStatuses.Failure));

        var view = sandbox.GetSnapshot().Vcs.Single();
        Assert.Equal((CallState.Connected, false, Activation.Active), (view.CallState, view.Closing, view.Activation));
    }

    [Fact]
    public void CloseData_OnAMediumThatCannotCarryIt_IsInvalidData_R_CALL_11()
    {
        var sandbox = Given.Sandbox();
        var (_, vc) = sandbox.ConnectedCall();

        var closed = sandbox.NdisClCloseCall(vc, null, "bye");

        Assert.Equal(NdisStatuses.InvalidData, closed.Status);
        Assert.Equal(CallState.Connected, sandbox.GetSnapshot().Vcs.Single().CallState);
    }

    [Fact]
    public void DispatchIncomingCall_OnTheWrongVc_IsV_CALL_06()
    {
        var sandbox = Given.Sandbox();
        var (af, sap, offeredVc, _) = sandbox.OfferedCall();
        var clientVc = sandbox.ClientVc(af);

        sandbox.Refused("V-CALL-06", s => s.NdisMCmDispatchIncomingCall(sap, clientVc, null));
        sandbox.Refused("V-CALL-06", s => s.NdisMCmDispatchIncomingCall(sap, offeredVc, null));
    }

    [Fact]
    public void DispatchIncomingCall_OnAnInactiveVc_IsV_CALL_06_WhenStrict_AndAWarningWhenLenient()
    {
        foreach (var strictness in new[] { Strictness.Strict, Strictness.Lenient })
        {
            var sandbox = Given.Sandbox(McmDuties.Manual, strictness);
            var af = sandbox.OpenAf();
            var sap = sandbox.NdisClRegisterSap(af, "s", Given.AtmSap).NdisSapHandle!;
            var vc = sandbox.NdisMCmCreateVc(af, null, "v").NdisVcHandle!;

            if (strictness == Strictness.Strict)
            {
                sandbox.Refused("V-CALL-06", s => s.NdisMCmDispatchIncomingCall(sap, vc, null));
            }
            else
            {
                var offered = sandbox.NdisMCmDispatchIncomingCall(sap, vc, null);
                Assert.Equal(OutcomeKind.Pended, offered.Kind);
                Assert.Equal(("V-CALL-06", Severity.Warning), (offered.Warnings.Single().Rule.Id, offered.Warnings.Single().Severity));
            }
        }
    }

    [Fact]
    public void CallConnected_BeforeAcceptance_IsV_CALL_07_AndOnAClientVc_IsV_CALL_08()
    {
        var sandbox = Given.Sandbox();
        var (_, _, vc, _) = sandbox.OfferedCall();
        var (_, clientVc) = sandbox.ConnectedCall();

        sandbox.Refused("V-CALL-07", s => s.NdisMCmDispatchCallConnected(vc));
        sandbox.Refused("V-CALL-08", s => s.NdisMCmDispatchCallConnected(clientVc));
    }

    [Fact]
    public void CallConnected_OnAnInactiveVc_IsV_VC_02()
    {
        var sandbox = Given.Sandbox(McmDuties.Manual);
        var (_, _, vc, _) = sandbox.OfferedCall();
        Given.Ok(sandbox.NdisClIncomingCallComplete(NdisStatuses.Success, vc, null));
        Given.Ok(sandbox.NdisMCmDeactivateVc(vc));

        sandbox.Refused("V-VC-02", s => s.NdisMCmDispatchCallConnected(vc));
    }

    [Fact]
    public void IncomingCloseCall_WhileOtherPartiesRemain_IsV_CALL_10()
    {
        var sandbox = Given.Sandbox();
        var (vc, _) = sandbox.MultipointCall(2);

        sandbox.Refused("V-CALL-10", s => s.NdisMCmDispatchIncomingCloseCall(NdisStatuses.Success, vc, null));
    }

    [Fact]
    public void QosCompletion_WithoutReactivation_IsV_CALL_11_WithManualDuties()
    {
        var sandbox = Given.Sandbox(McmDuties.Manual);
        var (_, vc) = ConnectedManually(sandbox);
        sandbox.NdisClModifyCallQoS(vc, Faster);

        sandbox.Refused("V-CALL-11", s => s.NdisMCmModifyCallQoSComplete(NdisStatuses.Success, vc, null));
        Given.Ok(sandbox.NdisMCmActivateVc(vc, Faster));
        Given.Ok(sandbox.NdisMCmModifyCallQoSComplete(NdisStatuses.Success, vc, null));
        Assert.Equal(FasterGranted, sandbox.GetSnapshot().Vcs.Single().CallParameters);
    }

    [Fact]
    public void IncomingQosChange_WithoutReactivation_IsV_CALL_11_WithManualDuties()
    {
        var sandbox = Given.Sandbox(McmDuties.Manual);
        var (_, vc) = ConnectedManually(sandbox);

        sandbox.Refused("V-CALL-11", s => s.NdisMCmDispatchIncomingCallQoSChange(vc, Faster));
        Given.Ok(sandbox.NdisMCmActivateVc(vc, Faster));
        var start = sandbox.LastSequence;
        Given.Ok(sandbox.NdisMCmDispatchIncomingCallQoSChange(vc, Faster));
        Assert.Equal(["NdisMCmDispatchIncomingCallQoSChange Mcm", "ProtocolClIncomingCallQoSChange Client"], sandbox.Trace(start));
        Assert.Equal(Faster, sandbox.GetEvents(start)[^1].CallParameters);
    }

    [Fact]
    public void QosChange_WithAutoDuties_ReactivatesTheVcFirst_R_CALL_17()
    {
        var sandbox = Given.Sandbox();
        var (_, vc) = sandbox.ConnectedCall();
        var requested = sandbox.NdisClModifyCallQoS(vc, Faster);
        Assert.True(sandbox.GetSnapshot().Vcs.Single().QosChangePending);
        var start = sandbox.LastSequence;

        Given.Ok(sandbox.CompletePendingOperation(requested.PendingOperationId!, NdisStatuses.Success));

        Assert.Equal(
            ["NdisMCmActivateVc Mcm SUCCESS", "NdisMCmModifyCallQoSComplete Mcm SUCCESS", "ProtocolClModifyCallQoSComplete Client SUCCESS"],
            sandbox.Trace(start));
        Assert.Equal(FasterGranted, sandbox.GetEvents(start)[0].CallParameters);
        Assert.Equal("vc-ctx", sandbox.GetEvents(start)[^1].ProtocolVcContext);
    }

    [Fact]
    public void MakeCall_OnAnMcmVc_OrOneWithACall_FailsAsV_CALL_12()
    {
        var sandbox = Given.Sandbox();
        var (af, _, mcmVc, _) = sandbox.OfferedCall();
        var vc = sandbox.ClientVc(af);
        sandbox.NdisClMakeCall(vc, null, null);

        sandbox.Rejected("V-CALL-12", NdisStatuses.Failure, s => s.NdisClMakeCall(mcmVc, null, null));
        sandbox.Rejected("V-CALL-12", NdisStatuses.Failure, s => s.NdisClMakeCall(vc, null, null));
    }

    [Fact]
    public void ClosingAVcWithNoCall_IsV_CALL_13()
    {
        var sandbox = Given.Sandbox();
        var vc = sandbox.ClientVc(sandbox.OpenAf());

        sandbox.Refused("V-CALL-13", s => s.NdisClCloseCall(vc, null, null));
        sandbox.Refused("V-CALL-13", s => s.NdisMCmDispatchIncomingCloseCall(NdisStatuses.Success, vc, null));
    }

    [Fact]
    public void MultipointCall_OnIsdn_IsNotSupported_R_PTY_1()
    {
        var sandbox = Given.Sandbox(profile: AdapterProfile.IsdnBri);
        var af = sandbox.OpenAf(family: CoAddressFamily.Tapi);
        var vc = sandbox.ClientVc(af);

        var made = sandbox.NdisClMakeCall(vc, null, "p1");

        Assert.Equal((OutcomeKind.Completed, NdisStatuses.NotSupported, (string?)null), (made.Kind, made.Status, made.NdisPartyHandle));
        Assert.Equal(OutcomeKind.Pended, sandbox.NdisClMakeCall(vc, null, null).Kind);
    }

    [Fact]
    public void AddPartyComplete_SucceedingWithoutAContext_IsV_PTY_01()
    {
        var sandbox = Given.Sandbox();
        var (vc, _) = sandbox.MultipointCall(1);
        var party = sandbox.NdisClAddParty(vc, "p2", null).NdisPartyHandle!;

        sandbox.Refused("V-PTY-01", s => s.NdisMCmAddPartyComplete(NdisStatuses.Success, party, null, null));
    }

    [Fact]
    public void AddParty_OnAPointToPointCall_IsNotSupported_V_PTY_02()
    {
        var sandbox = Given.Sandbox();
        var (_, vc) = sandbox.ConnectedCall();

        sandbox.Rejected("V-PTY-02", NdisStatuses.NotSupported, s => s.NdisClAddParty(vc, "p", null));
    }

    [Fact]
    public void FailedAddParty_InvalidatesTheParty()
    {
        var sandbox = Given.Sandbox();
        var (vc, _) = sandbox.MultipointCall(1);
        var added = sandbox.NdisClAddParty(vc, "p2", null);

        Given.Ok(sandbox.CompletePendingOperation(added.PendingOperationId!, NdisStatuses.Resources));

        Assert.Single(sandbox.GetSnapshot().Vcs.Single().Parties);
        sandbox.Refused("V-PTY-06", s => s.NdisClDropParty(added.NdisPartyHandle!, null));
    }

    [Fact]
    public void DroppingTheLastParty_Fails_V_PTY_03()
    {
        var sandbox = Given.Sandbox();
        var (_, parties) = sandbox.MultipointCall(1);

        sandbox.Rejected("V-PTY-03", NdisStatuses.Failure, s => s.NdisClDropParty(parties[0], null));
    }

    [Fact]
    public void ClosingACallWithSeveralParties_Fails_V_PTY_04()
    {
        var sandbox = Given.Sandbox();
        var (vc, parties) = sandbox.MultipointCall(2);

        sandbox.Rejected("V-PTY-04", NdisStatuses.Failure, s => s.NdisClCloseCall(vc, parties[0], null));
    }

    [Fact]
    public void IncomingDropOfTheLastParty_IsV_PTY_05()
    {
        var sandbox = Given.Sandbox();
        var (_, parties) = sandbox.MultipointCall(1);

        sandbox.Refused("V-PTY-05", s => s.NdisMCmDispatchIncomingDropParty(NdisStatuses.Success, parties[0], null));
    }

    [Fact]
    public void UsingADroppedParty_IsV_PTY_06()
    {
        var sandbox = Given.Sandbox();
        var (_, parties) = sandbox.MultipointCall(2);
        sandbox.NdisClDropParty(parties[1], null);

        sandbox.Refused("V-PTY-06", s => s.NdisClDropParty(parties[1], null));
        Given.Ok(sandbox.NdisMCmDropPartyComplete(NdisStatuses.Success, parties[1]));
        sandbox.Refused("V-PTY-06", s => s.NdisMCmDropPartyComplete(NdisStatuses.Success, parties[1]));
    }

    [Fact]
    public void RemoteDropRace_ClientMayCloseWithTheRemotelyDroppedParty_PROTOCOL_CL_INCOMING_DROP_PARTY()
    {
        var sandbox = Given.Sandbox();
        var (vc, parties) = sandbox.MultipointCall(2);
        Given.Ok(sandbox.NdisMCmDispatchIncomingDropParty(NdisStatuses.Success, parties[0], null));
        var dropped = sandbox.NdisClDropParty(parties[1], null);
        Given.Ok(sandbox.CompletePendingOperation(dropped.PendingOperationId!, NdisStatuses.Success));

        var closed = sandbox.NdisClCloseCall(vc, parties[0], null);

        Assert.Equal(OutcomeKind.Pended, closed.Kind);
        Given.Ok(sandbox.CompletePendingOperation(closed.PendingOperationId!, NdisStatuses.Success));
    }

    [Fact]
    public void AnUnansweredOffer_DiesWithItsCall_AndTheMcmDeletesTheVc()
    {
        var sandbox = Given.Sandbox();
        var (_, _, vc, offer) = sandbox.OfferedCall();
        Given.Ok(sandbox.NdisMCmDispatchIncomingCloseCall(NdisStatuses.Failure, vc, null));

        var closed = sandbox.NdisClCloseCall(vc, null, null);
        Given.Ok(sandbox.CompletePendingOperation(closed.PendingOperationId!, NdisStatuses.Success));

        sandbox.Refused("V-VC-08", s => s.NdisClIncomingCallComplete(NdisStatuses.Success, vc, null));
        Assert.Null(sandbox.GetPendingOperation(offer.PendingOperationId!));
        Assert.Empty(sandbox.ListPendingOperations());
    }

    private static (string Af, string Vc) ConnectedManually(Sandbox sandbox)
    {
        var af = sandbox.OpenAf();
        var vc = sandbox.ClientVc(af);
        sandbox.NdisClMakeCall(vc, null, null);
        Given.Ok(sandbox.NdisMCmActivateVc(vc, null));
        Given.Ok(sandbox.NdisMCmMakeCallComplete(NdisStatuses.Success, vc, null, null, null));
        return (af, vc);
    }

    [Fact]
    public void ClientAnsweringAnOfferTheRemoteAlreadyClosed_ChangesNothing_AndTheCallStillCloses()
    {
        // Found by ModelTests: the late acceptance threw from the call's transition table (a 500 over HTTP).
        var sandbox = Given.Sandbox();
        var (_, _, vc, offer) = sandbox.OfferedCall();
        Given.Ok(sandbox.NdisMCmDispatchIncomingCloseCall(NdisStatuses.Failure, vc, null));

        var late = Given.Ok(sandbox.NdisClIncomingCallComplete(NdisStatuses.Success, vc, null));

        Assert.Equal(offer.PendingOperationId, late.PendingOperationId);
        Assert.Equal(CallState.RemoteClosePending, sandbox.GetSnapshot().Vcs.Single().CallState);
        var closed = sandbox.NdisClCloseCall(vc, null, null);
        Given.Ok(sandbox.CompletePendingOperation(closed.PendingOperationId!, NdisStatuses.Success));
        Assert.Empty(sandbox.GetSnapshot().Vcs);
    }
}
