namespace NdisMock.Domain.Tests;

/// <summary>The questions of issue 13 item 10, each decided in the rule catalogue with the page it rests on.</summary>
public sealed class DecisionTests
{
    private static readonly CallParameters Atm = CallParameterDefaults.For(AddressFamilyType.Q2931);

    [Fact]
    public void EveryRule_SaysWhatTheMockDoesAndWhy() =>
        Assert.All(Rules.All, r => Assert.False(string.IsNullOrWhiteSpace(r.Handling), $"{r.Id} has no Handling text"));

    [Theory]
    [InlineData("V-CMP-03")]
    [InlineData("V-CALL-13")]
    [InlineData("V-VC-01")]
    [InlineData("V-AF-06")]
    [InlineData("V-SAP-04")]
    [InlineData("V-VC-04")]
    [InlineData("V-CALL-10")]
    public void EachQuestionOfItem10_IsDecidedInTheCatalogue(string id) =>
        Assert.Contains("Decided (issue 13)", Rules.Find(id)!.Handling, StringComparison.Ordinal);

    // V-CMP-03 blames the MCM, not the client: a close the MCM cannot finish at once pends (PROTOCOL_CM_CLOSE_CALL).
    [Fact]
    public void SynchronousClose_WhileTheMcmOwesAQosCompletion_Pends_AndTheMcmsCloseCompletionWaitsForIt()
    {
        var sandbox = Given.Sandbox();
        var (_, vc) = sandbox.ConnectedCall();
        var qos = sandbox.NdisClModifyCallQoS(vc, Atm);
        sandbox.SetBehavior(CmHandler.ProtocolCmCloseCall, HandlerBehavior.CompleteWith(NdisStatuses.Success));
        var start = sandbox.LastSequence;

        var closed = Given.Ok(sandbox.NdisClCloseCall(vc, null, null));

        Assert.Equal(OutcomeKind.Pended, closed.Kind);
        Assert.Equal(["NdisClCloseCall Client PENDING", "ProtocolCmCloseCall Mcm PENDING"], sandbox.Trace(start));
        sandbox.Refused("V-CMP-03", s => s.NdisMCmCloseCallComplete(NdisStatuses.Success, vc, null));
        Given.Ok(sandbox.CompletePendingOperation(qos.PendingOperationId!, NdisStatuses.Failure));
        Given.Ok(sandbox.NdisMCmCloseCallComplete(NdisStatuses.Success, vc, null));
        Assert.Equal(CallState.Closed, sandbox.GetSnapshot().Vcs.Single().CallState);
    }

    // NdisClCloseCall: no page forbids closing while the make call pends; NDIS forwards it to ProtocolCmCloseCall.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void CloseCall_WhileTheMakeCallPends_IsForwarded_AndClosesOnceBothComplete(bool makeCallSucceeds)
    {
        var sandbox = Given.Sandbox();
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        var made = sandbox.NdisClMakeCall(vc, null, null);
        var start = sandbox.LastSequence;

        var closed = Given.Ok(sandbox.NdisClCloseCall(vc, null, null));

        Assert.Equal(OutcomeKind.Pended, closed.Kind);
        Assert.Equal(["NdisClCloseCall Client PENDING", "ProtocolCmCloseCall Mcm PENDING"], sandbox.Trace(start));
        sandbox.Refused("V-CMP-03", s => s.CompletePendingOperation(closed.PendingOperationId!, NdisStatuses.Success));
        Given.Ok(sandbox.CompletePendingOperation(made.PendingOperationId!, makeCallSucceeds ? NdisStatuses.Success : NdisStatuses.RequestAborted));
        Assert.Equal(CallState.Closing, sandbox.GetSnapshot().Vcs.Single().CallState);
        Given.Ok(sandbox.CompletePendingOperation(closed.PendingOperationId!, NdisStatuses.Success));
        Assert.Equal((CallState.Closed, Activation.Inactive), (sandbox.GetSnapshot().Vcs.Single().CallState, sandbox.GetSnapshot().Vcs.Single().Activation));
        Assert.Equal(0, sandbox.GetSnapshot().Network.Calls);
    }

    [Fact]
    public void FailedClose_AfterTheMakeCallItInterruptedFailed_LeavesNoCall()
    {
        var sandbox = Given.Sandbox();
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        var made = sandbox.NdisClMakeCall(vc, null, null);
        var closed = sandbox.NdisClCloseCall(vc, null, null);
        Given.Ok(sandbox.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Failure));

        Given.Ok(sandbox.CompletePendingOperation(closed.PendingOperationId!, NdisStatuses.Failure));

        Assert.Equal(CallState.Closed, sandbox.GetSnapshot().Vcs.Single().CallState);
        Given.Ok(sandbox.NdisCoDeleteVc(vc));
    }

    // NdisMCmCreateVc documents NDIS_STATUS_FAILURE for an AF handle that is not valid; a closed AF's handle is not.
    [Fact]
    public void McmCreateVc_OnAClosedAddressFamily_IsRejectedAsV_VC_01_WithFailure()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        Given.Ok(sandbox.NdisClCloseAddressFamily(af));

        sandbox.Rejected("V-VC-01", NdisStatuses.Failure, s => s.NdisMCmCreateVc(af, "mp-vc", "in-vc-ctx"));
    }

    // PROTOCOL_CM_CLOSE_AF: a CM that cannot close while calls or SAPs remain may answer NDIS_STATUS_NOT_ACCEPTED.
    [Fact]
    public void CloseAf_WithAVcLeft_AndAnMcmThatAnswersNotAccepted_ReturnsNotAccepted()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        sandbox.ClientVc(af);
        sandbox.SetBehavior(CmHandler.ProtocolCmCloseAf, HandlerBehavior.CompleteWith(NdisStatuses.NotAccepted));
        var start = sandbox.LastSequence;

        var refused = sandbox.NdisClCloseAddressFamily(af);

        Assert.Equal((OutcomeKind.Completed, NdisStatuses.NotAccepted), (refused.Kind, refused.Status));
        Assert.Equal(["NdisClCloseAddressFamily Client NOT_ACCEPTED", "ProtocolCmCloseAf Mcm NOT_ACCEPTED"], sandbox.Trace(start));
        Assert.Equal(AfState.Open, sandbox.GetSnapshot().AddressFamilies.Single().State);
    }

    // NdisClDeregisterSap: the SAP handle is invalid for the client once it asked; NDIS fails the dispatch, it returns a status.
    [Fact]
    public void DispatchIncomingCall_OnADeregisteringSap_IsRejectedAsV_SAP_04_WithFailure()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        var sap = Given.Handle(sandbox.NdisClRegisterSap(af, "sap-ctx", Given.AtmSap).NdisSapHandle);
        var vc = Given.Handle(sandbox.NdisMCmCreateVc(af, "mp-vc", "in-vc-ctx").NdisVcHandle);
        sandbox.SetBehavior(CmHandler.ProtocolCmDeregisterSap, HandlerBehavior.Pend());
        Assert.Equal(OutcomeKind.Pended, sandbox.NdisClDeregisterSap(sap).Kind);

        sandbox.Rejected("V-SAP-04", NdisStatuses.Failure, s => s.NdisMCmDispatchIncomingCall(sap, vc, null));
    }

    // NdisCoDeleteVc documents SUCCESS, NOT_ACCEPTED (active) and CLOSING, and the handle is invalid once it returns.
    [Fact]
    public void CoDeleteVc_WhoseProtocolCoDeleteVcFails_StillDeletesTheVc()
    {
        var sandbox = Given.Sandbox();
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        sandbox.SetBehavior(CmHandler.ProtocolCoDeleteVc, HandlerBehavior.CompleteWith(NdisStatuses.Failure));
        var start = sandbox.LastSequence;

        var deleted = Given.Ok(sandbox.NdisCoDeleteVc(vc));

        Assert.Equal(NdisStatuses.Success, deleted.Status);
        Assert.Equal(["NdisCoDeleteVc Client SUCCESS", "ProtocolCoDeleteVc Mcm FAILURE"], sandbox.Trace(start));
        Assert.Empty(sandbox.GetSnapshot().Vcs);
    }

    // NdisMCmDispatchIncomingDropParty is for a party among other connected ones; one still being added is not connected.
    [Fact]
    public void IncomingCloseCall_WhileAnAddPartyPends_IsAccepted()
    {
        var sandbox = Given.Sandbox();
        var (vc, _) = sandbox.MultipointCall(1);
        var added = sandbox.NdisClAddParty(vc, "p2", null);
        Assert.Equal(OutcomeKind.Pended, added.Kind);

        Given.Ok(sandbox.NdisMCmDispatchIncomingCloseCall(NdisStatuses.Success, vc, null));

        Assert.Equal(CallState.RemoteClosePending, sandbox.GetSnapshot().Vcs.Single().CallState);
    }
}
