namespace NdisMock.Domain.Tests;

/// <summary>Address families, SAPs and VCs: their V-* ids (docs/rules.md).</summary>
public sealed class ObjectRuleTests
{
    [Fact]
    public void RegisteringAnAddressFamilyTwice_FailsAsV_AF_01()
    {
        var sandbox = Given.Sandbox();

        sandbox.Rejected("V-AF-01", NdisStatuses.Failure, s => s.NdisMCmRegisterAddressFamilyEx(CoAddressFamily.Q2931));
    }

    [Fact]
    public void OperationsOnAnAddressFamilyStillOpening_FailAsV_AF_02()
    {
        // NdisClOpenAddressFamilyEx: nothing may start on an AF until its open completes.
        var sandbox = Given.Sandbox();
        sandbox.SetBehavior(CmHandler.ProtocolCmOpenAf, HandlerBehavior.Pend());
        var af = sandbox.NdisClOpenAddressFamilyEx(CoAddressFamily.Q2931, "c").NdisAfHandle!;

        sandbox.Rejected("V-AF-02", NdisStatuses.Failure, s => s.NdisCoCreateVc(af, "v"));
        sandbox.Rejected("V-AF-02", NdisStatuses.Failure, s => s.NdisClRegisterSap(af, "s", Given.AtmSap));
        sandbox.Rejected("V-VC-01", NdisStatuses.Failure, s => s.NdisMCmCreateVc(af, null, null));
    }

    [Fact]
    public void FailedOpen_InvalidatesTheHandle_R_AF_4()
    {
        var sandbox = Given.Sandbox();
        sandbox.SetBehavior(CmHandler.ProtocolCmOpenAf, HandlerBehavior.Pend());
        var af = sandbox.NdisClOpenAddressFamilyEx(CoAddressFamily.Q2931, "c").NdisAfHandle!;

        Given.Ok(sandbox.NdisMCmOpenAddressFamilyComplete(NdisStatuses.Resources, af, null));

        var callback = sandbox.GetEvents(0)[^1];
        Assert.Equal((EventName.ProtocolClOpenAfCompleteEx, NdisStatuses.Resources, (string?)null), (callback.Name, callback.Status, callback.NdisAfHandle));
        sandbox.Rejected("V-AF-02", NdisStatuses.Failure, s => s.NdisCoCreateVc(af, "v"));
        // NdisMCmCreateVc documents NDIS_STATUS_FAILURE for an AF handle that is not valid.
        sandbox.Rejected("V-VC-01", NdisStatuses.Failure, s => s.NdisMCmCreateVc(af, null, null));
    }

    [Fact]
    public void OpeningAnUnregisteredAddressFamily_Fails()
    {
        var sandbox = Given.Sandbox();

        var opened = sandbox.NdisClOpenAddressFamilyEx(new CoAddressFamily((AddressFamilyType)0x3, 1, 0), "l2tp");

        Assert.Equal((NdisStatuses.Failure, (string?)null), (opened.Status, opened.NdisAfHandle));
    }

    [Fact]
    public void ClosingAnAddressFamilyThatStillHasObjects_FailsAsV_AF_06_UnlessTheMcmPends()
    {
        // PROTOCOL_CL_CLOSE_AF_COMPLETE and "Closing an Address Family in a CoNDIS Client".
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        sandbox.ClientVc(af);

        sandbox.Rejected("V-AF-06", NdisStatuses.Failure, s => s.NdisClCloseAddressFamily(af));
        sandbox.SetBehavior(CmHandler.ProtocolCmCloseAf, HandlerBehavior.Pend());
        Assert.Equal(OutcomeKind.Pended, sandbox.NdisClCloseAddressFamily(af).Kind);
    }

    [Fact]
    public void ClosingAnAddressFamilyTwice_FailsAsV_AF_06()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        Given.Ok(sandbox.NdisClCloseAddressFamily(af));

        sandbox.Rejected("V-AF-06", NdisStatuses.Failure, s => s.NdisClCloseAddressFamily(af));
    }

    [Fact]
    public void CompletingACloseAf_WhileAVcRemains_IsV_AF_03()
    {
        var sandbox = Given.Sandbox();
        sandbox.SetBehavior(CmHandler.ProtocolCmCloseAf, HandlerBehavior.Pend());
        var af = sandbox.OpenAf();
        var vc = sandbox.ClientVc(af);
        sandbox.NdisClCloseAddressFamily(af);

        sandbox.Refused("V-AF-03", s => s.NdisMCmCloseAddressFamilyComplete(NdisStatuses.Success, af));
        Given.Ok(sandbox.NdisCoDeleteVc(vc));
        Given.Ok(sandbox.NdisMCmCloseAddressFamilyComplete(NdisStatuses.Success, af));
    }

    [Fact]
    public void McmUsingAClosedAddressFamily_IsV_AF_04()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        Given.Ok(sandbox.NdisClCloseAddressFamily(af));

        var refused = sandbox.Refused("V-AF-04", s => s.NdisMCmNotifyCloseAddressFamily(af));

        Assert.Equal(Refusal.StaleHandle, refused.Violation!.Rule.Refusal);
    }

    [Fact]
    public void SapHeldByAnotherClient_IsRefusedWithInvalidData_R_SAP_1()
    {
        var sandbox = Given.Sandbox();
        var first = sandbox.OpenAf("first");
        var second = sandbox.OpenAf("second");
        Given.Ok(sandbox.NdisClRegisterSap(first, "s1", Given.AtmSap));

        var refused = sandbox.NdisClRegisterSap(second, "s2", Given.AtmSap);

        Assert.Equal((OutcomeKind.Completed, NdisStatuses.InvalidData), (refused.Kind, refused.Status));
        Assert.Single(sandbox.GetSnapshot().Saps);
    }

    [Fact]
    public void SapInUseStatus_IsConfigurable_PROTOCOL_CM_REG_SAP()
    {
        var sandbox = new Sandbox(new SandboxOptions { SapInUseStatus = NdisStatuses.SapInUse });
        Given.Ok(sandbox.NdisClRegisterSap(sandbox.OpenAf("a"), "s1", Given.AtmSap));

        Assert.Equal(NdisStatuses.SapInUse, sandbox.NdisClRegisterSap(sandbox.OpenAf("b"), "s2", Given.AtmSap).Status);
    }

    [Fact]
    public void SapOfTheWrongFormat_IsInvalidData()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();

        Assert.Equal(NdisStatuses.InvalidData, sandbox.NdisClRegisterSap(af, "s", new Sap(SapType.Tapi, "line 0")).Status);
    }

    [Fact]
    public void McmCompletingARegistrationOfASapAnotherClientHolds_IsV_SAP_02()
    {
        var sandbox = Given.Sandbox();
        sandbox.SetBehavior(CmHandler.ProtocolCmRegisterSap, HandlerBehavior.Pend());
        var late = sandbox.NdisClRegisterSap(sandbox.OpenAf("late"), "s1", Given.AtmSap).NdisSapHandle!;
        var early = sandbox.NdisClRegisterSap(sandbox.OpenAf("early"), "s2", Given.AtmSap).NdisSapHandle!;
        Given.Ok(sandbox.NdisMCmRegisterSapComplete(NdisStatuses.Success, early, "cm"));

        sandbox.Refused("V-SAP-02", s => s.NdisMCmRegisterSapComplete(NdisStatuses.Success, late, "cm"));
        Given.Ok(sandbox.NdisMCmRegisterSapComplete(NdisStatuses.InvalidData, late, null));
    }

    [Fact]
    public void DeregisteringASapTwice_FailsAsV_SAP_03_AndADeadSapIsV_HDL_02()
    {
        var sandbox = Given.Sandbox();
        sandbox.SetBehavior(CmHandler.ProtocolCmDeregisterSap, HandlerBehavior.Pend());
        var sap = sandbox.NdisClRegisterSap(sandbox.OpenAf(), "s", Given.AtmSap).NdisSapHandle!;
        sandbox.NdisClDeregisterSap(sap);

        sandbox.Rejected("V-SAP-03", NdisStatuses.Failure, s => s.NdisClDeregisterSap(sap));
        Given.Ok(sandbox.NdisMCmDeregisterSapComplete(NdisStatuses.Success, sap));
        var refused = sandbox.Refused("V-HDL-02", s => s.NdisClDeregisterSap(sap));
        Assert.Equal(Refusal.StaleHandle, refused.Violation!.Rule.Refusal);
    }

    [Fact]
    public void CallsMayBeDispatchedToASapWhoseRegistrationIsPending_R_SAP_2()
    {
        var sandbox = Given.Sandbox();
        sandbox.SetBehavior(CmHandler.ProtocolCmRegisterSap, HandlerBehavior.Pend());
        var af = sandbox.OpenAf();
        var sap = sandbox.NdisClRegisterSap(af, "s", Given.AtmSap).NdisSapHandle!;
        var vc = sandbox.NdisMCmCreateVc(af, null, "v").NdisVcHandle!;

        Assert.Equal(OutcomeKind.Pended, sandbox.NdisMCmDispatchIncomingCall(sap, vc, null).Kind);
    }

    [Fact]
    public void DeregisteringASap_LeavesCallsReceivedOnIt_R_SAP_4()
    {
        var sandbox = Given.Sandbox();
        var (_, sap, vc, _) = sandbox.OfferedCall();
        Given.Ok(sandbox.NdisClIncomingCallComplete(NdisStatuses.Success, vc, null));
        Given.Ok(sandbox.NdisMCmDispatchCallConnected(vc));

        Given.Ok(sandbox.NdisClDeregisterSap(sap));

        Assert.Equal(CallState.Connected, sandbox.GetSnapshot().Vcs.Single().CallState);
    }

    [Fact]
    public void DispatchOnASapThatIsLeaving_IsRejectedAsV_SAP_04_AndOnAnotherClients_IsV_SAP_01()
    {
        var sandbox = Given.Sandbox();
        sandbox.SetBehavior(CmHandler.ProtocolCmDeregisterSap, HandlerBehavior.Pend());
        var af = sandbox.OpenAf("a");
        var leaving = sandbox.NdisClRegisterSap(af, "s", Given.AtmSap).NdisSapHandle!;
        sandbox.NdisClDeregisterSap(leaving);
        var vc = sandbox.NdisMCmCreateVc(af, null, "v").NdisVcHandle!;
        var other = sandbox.OpenAf("b");
        var othersSap = sandbox.NdisClRegisterSap(other, "s", new Sap(SapType.E164, "+15551234")).NdisSapHandle!;

        sandbox.Rejected("V-SAP-04", NdisStatuses.Failure, s => s.NdisMCmDispatchIncomingCall(leaving, vc, null));
        sandbox.Refused("V-SAP-01", s => s.NdisMCmDispatchIncomingCall(othersSap, vc, null));
    }

    [Fact]
    public void DeactivatingAnInactiveVc_IsNotAccepted_V_VC_03()
    {
        var sandbox = Given.Sandbox();
        var vc = sandbox.ClientVc(sandbox.OpenAf());

        sandbox.Rejected("V-VC-03", NdisStatuses.NotAccepted, s => s.NdisMCmDeactivateVc(vc));
    }

    [Fact]
    public void OnlyTheCreatorDeletesAVc_V_VC_04()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        var clientVc = sandbox.ClientVc(af);
        var mcmVc = sandbox.NdisMCmCreateVc(af, null, "v").NdisVcHandle!;

        sandbox.Refused("V-VC-04", s => s.NdisMCmDeleteVc(clientVc));
        sandbox.Refused("V-VC-04", s => s.NdisCoDeleteVc(mcmVc));
    }

    [Fact]
    public void DeletingAnActiveVc_IsNotAccepted_V_VC_05()
    {
        var sandbox = Given.Sandbox();
        var (_, vc) = sandbox.ConnectedCall();

        sandbox.Rejected("V-VC-05", NdisStatuses.NotAccepted, s => s.NdisCoDeleteVc(vc));
    }

    [Fact]
    public void DeletingAVcWithACall_IsNotAccepted_V_VC_07()
    {
        var sandbox = Given.Sandbox();
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        sandbox.NdisClMakeCall(vc, null, null);

        sandbox.Rejected("V-VC-07", NdisStatuses.NotAccepted, s => s.NdisCoDeleteVc(vc));
    }

    [Fact]
    public void UsingADeletedVc_IsV_VC_08_AndAForeignHandleIsV_HDL_01()
    {
        var sandbox = Given.Sandbox();
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        Given.Ok(sandbox.NdisCoDeleteVc(vc));
        var other = Given.Sandbox();
        var foreign = other.ClientVc(other.OpenAf());

        var stale = sandbox.Refused("V-VC-08", s => s.NdisClMakeCall(vc, null, null));
        var unknown = sandbox.Refused("V-HDL-01", s => s.NdisClMakeCall(foreign, null, null));

        Assert.Equal((Refusal.StaleHandle, Refusal.UnknownHandle), (stale.Violation!.Rule.Refusal, unknown.Violation!.Rule.Refusal));
    }

    [Fact]
    public void HandlesAreNeverReused()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        var first = sandbox.ClientVc(af);
        Given.Ok(sandbox.NdisCoDeleteVc(first));
        sandbox.Reset();

        var second = sandbox.ClientVc(sandbox.OpenAf());

        Assert.NotEqual(first, second);
        sandbox.Refused("V-VC-08", s => s.NdisCoDeleteVc(first));
    }

    [Fact]
    public void McmVcLeftAfterItsCall_IsWarnedAsV_VC_09_WhenTheClientClosesItsAf()
    {
        var sandbox = Given.Sandbox(McmDuties.Manual);
        var (af, sap, vc, _) = sandbox.OfferedCall();
        Given.Ok(sandbox.NdisClIncomingCallComplete(NdisStatuses.Success, vc, null));
        Given.Ok(sandbox.NdisMCmDispatchCallConnected(vc));
        Given.Ok(sandbox.NdisMCmDispatchIncomingCloseCall(NdisStatuses.Success, vc, null));
        sandbox.NdisClCloseCall(vc, null, null);
        Given.Ok(sandbox.NdisMCmDeactivateVc(vc));
        Given.Ok(sandbox.NdisMCmCloseCallComplete(NdisStatuses.Success, vc, null));
        Given.Ok(sandbox.NdisClDeregisterSap(sap));

        var closed = sandbox.NdisClCloseAddressFamily(af);

        Assert.Equal(NdisStatuses.Failure, closed.Status);
        var warning = Assert.Single(closed.Warnings);
        Assert.Equal(("V-VC-09", Severity.Warning), (warning.Rule.Id, warning.Severity));
        Assert.Contains(sandbox.GetViolations(), v => v.Rule.Id == "V-VC-09");
    }

    [Fact]
    public void RejectedOfferWhoseVcStaysActive_IsWarnedAsV_CALL_09()
    {
        var sandbox = Given.Sandbox(McmDuties.Manual);
        var (af, sap, vc, _) = sandbox.OfferedCall();
        Given.Ok(sandbox.NdisClIncomingCallComplete(NdisStatuses.NotSupported, vc, null));
        Given.Ok(sandbox.NdisClDeregisterSap(sap));

        var closed = sandbox.NdisClCloseAddressFamily(af);

        Assert.Equal("V-CALL-09", Assert.Single(closed.Warnings).Rule.Id);
        Assert.Equal(Activation.Active, sandbox.GetSnapshot().Vcs.Single().Activation);
    }

    [Fact]
    public void ActivatingAnActiveVc_ReplacesItsParameters()
    {
        var sandbox = Given.Sandbox();
        var (_, vc) = sandbox.ConnectedCall();
        var faster = CallParameterDefaults.For(AddressFamilyType.Q2931) with { Flags = CallParameterFlags.CallParametersChanged };

        Given.Ok(sandbox.NdisMCmActivateVc(vc, faster));

        Assert.Equal(faster, sandbox.GetSnapshot().Vcs.Single().ActiveParameters);
    }
}
