namespace NdisMock.Domain.Tests;

/// <summary>Completion discipline: V-CMP-01…07 (docs/rules.md).</summary>
public sealed class CompletionRuleTests
{
    [Fact]
    public void CloseCallComplete_WithPendingStatus_IsRejectedAsV_CMP_01()
    {
        var sandbox = Given.Sandbox();
        var (_, vc) = sandbox.ConnectedCall();
        sandbox.NdisClCloseCall(vc, null, null);

        sandbox.Refused("V-CMP-01", s => s.NdisMCmCloseCallComplete(NdisStatuses.Pending, vc, null));
    }

    [Fact]
    public void ClientCompletion_WithPendingStatus_IsV_CMP_01_Too()
    {
        var sandbox = Given.Sandbox();
        var (_, _, vc, offer) = sandbox.OfferedCall();

        sandbox.Refused("V-CMP-01", s => s.NdisClIncomingCallComplete(NdisStatuses.Pending, vc, null));
        sandbox.Refused("V-CMP-01", s => s.CompletePendingOperation(offer.PendingOperationId!, NdisStatuses.Pending));
    }

    [Fact]
    public void CloseCallComplete_WithoutAPendedClose_IsV_CMP_02()
    {
        var sandbox = Given.Sandbox();
        var (_, vc) = sandbox.ConnectedCall();

        var refused = sandbox.Refused("V-CMP-02", s => s.NdisMCmCloseCallComplete(NdisStatuses.Success, vc, null));

        Assert.Equal(Refusal.State, refused.Violation!.Rule.Refusal);
    }

    [Fact]
    public void SecondCompletion_OfTheSameRequest_IsV_CMP_02()
    {
        var sandbox = Given.Sandbox();
        var (_, vc) = sandbox.ConnectedCall();
        var closed = sandbox.NdisClCloseCall(vc, null, null);
        Given.Ok(sandbox.CompletePendingOperation(closed.PendingOperationId!, NdisStatuses.Success));

        sandbox.Refused("V-CMP-02", s => s.CompletePendingOperation(closed.PendingOperationId!, NdisStatuses.Success));
        sandbox.Refused("V-CMP-02", s => s.NdisMCmCloseCallComplete(NdisStatuses.Success, vc, null));
    }

    [Fact]
    public void CompletionAfterASynchronousAnswer_IsV_CMP_02()
    {
        // NdisClMakeCall: after a non-PENDING answer NDIS calls no completion, so completing it is a double completion.
        var sandbox = Given.Sandbox();
        sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, HandlerBehavior.CompleteWith(NdisStatuses.Success));
        var af = sandbox.OpenAf();
        var vc = sandbox.ClientVc(af);
        var made = sandbox.NdisClMakeCall(vc, null, null);
        Assert.Equal((OutcomeKind.Completed, NdisStatuses.Success), (made.Kind, made.Status));

        sandbox.Refused("V-CMP-02", s => s.NdisMCmMakeCallComplete(NdisStatuses.Success, vc, null, null, null));
    }

    [Fact]
    public void UnknownPendingOperationId_IsV_HDL_01()
    {
        var sandbox = Given.Sandbox();

        var refused = sandbox.Refused("V-HDL-01", s => s.CompletePendingOperation("op-zzzz-1", NdisStatuses.Success));

        Assert.Equal(Refusal.UnknownHandle, refused.Violation!.Rule.Refusal);
        Assert.Equal("CompletePendingOperation", refused.Violation.Operation);
        var empty = sandbox.Refused("V-HDL-01", s => s.CompletePendingOperation("", NdisStatuses.Success));
        Assert.StartsWith("CompletePendingOperation needs", empty.Violation!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void CompletingAPendingOperationTwice_IsV_CMP_02_ToldAsCompletePendingOperation_AndAKnownOneAsItsCompletion()
    {
        var sandbox = Given.Sandbox();
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        var made = sandbox.NdisClMakeCall(vc, null, null);
        var rejected = sandbox.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Pending);
        Given.Ok(sandbox.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success));

        var again = sandbox.Refused("V-CMP-02", s => s.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success));

        Assert.Equal("NdisMCmMakeCallComplete", rejected.Violation!.Operation);
        Assert.Equal("CompletePendingOperation", again.Violation!.Operation);
    }

    [Fact]
    public void ClosingACall_WhileTheMcmOwesAQosCompletion_IsV_CMP_03()
    {
        var sandbox = Given.Sandbox();
        var (_, vc) = sandbox.ConnectedCall();
        var qos = sandbox.NdisClModifyCallQoS(vc, CallParameterDefaults.For(AddressFamilyType.Q2931));
        Given.Ok(sandbox.NdisMCmDispatchIncomingCloseCall(NdisStatuses.Success, vc, null));
        var closed = sandbox.NdisClCloseCall(vc, null, null);

        var refused = sandbox.Refused("V-CMP-03", s => s.NdisMCmCloseCallComplete(NdisStatuses.Success, vc, null));

        Assert.Contains(qos.PendingOperationId!, refused.Violation!.Detail, StringComparison.Ordinal);
        Given.Ok(sandbox.NdisMCmModifyCallQoSComplete(NdisStatuses.Failure, vc, null));
        Given.Ok(sandbox.CompletePendingOperation(closed.PendingOperationId!, NdisStatuses.Success));
    }

    [Fact]
    public void ClosingAMultipointCall_WhileTheMcmOwesAPartysDropCompletion_IsV_CMP_03()
    {
        var sandbox = Given.Sandbox();
        var (vc, parties) = sandbox.MultipointCall(2);
        var dropped = sandbox.NdisClDropParty(parties[1], null);
        var closed = sandbox.NdisClCloseCall(vc, parties[0], null);

        var refused = sandbox.Refused("V-CMP-03", s => s.NdisMCmCloseCallComplete(NdisStatuses.Success, vc, parties[0]));

        Assert.Contains(dropped.PendingOperationId!, refused.Violation!.Detail, StringComparison.Ordinal);
        Given.Ok(sandbox.CompletePendingOperation(dropped.PendingOperationId!, NdisStatuses.Success));
        Given.Ok(sandbox.CompletePendingOperation(closed.PendingOperationId!, NdisStatuses.Success));
    }

    [Fact]
    public void CloseAfAndDeregisterSapCompletions_TakeSuccessOnly_V_CMP_04()
    {
        var sandbox = Given.Sandbox();
        sandbox.SetBehavior(CmHandler.ProtocolCmDeregisterSap, HandlerBehavior.Pend());
        sandbox.SetBehavior(CmHandler.ProtocolCmCloseAf, HandlerBehavior.Pend());
        var af = sandbox.OpenAf();
        var sap = sandbox.NdisClRegisterSap(af, "s", Given.AtmSap).NdisSapHandle!;
        sandbox.NdisClDeregisterSap(sap);

        sandbox.Refused("V-CMP-04", s => s.NdisMCmDeregisterSapComplete(NdisStatuses.Failure, sap));
        Given.Ok(sandbox.NdisMCmDeregisterSapComplete(NdisStatuses.Success, sap));
        sandbox.NdisClCloseAddressFamily(af);
        sandbox.Refused("V-CMP-04", s => s.NdisMCmCloseAddressFamilyComplete(NdisStatuses.Resources, af));
    }

    [Fact]
    public void ProtocolCoCreateVcOrDeleteVc_AnsweringPending_IsV_CMP_05()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        var vc = sandbox.ClientVc(af);
        sandbox.SetBehavior(CmHandler.ProtocolCoCreateVc, HandlerBehavior.Pend());
        sandbox.SetBehavior(CmHandler.ProtocolCoDeleteVc, HandlerBehavior.Pend());

        sandbox.Refused("V-CMP-05", s => s.NdisCoCreateVc(af, "x"));
        sandbox.Refused("V-CMP-05", s => s.NdisCoDeleteVc(vc));
    }

    [Fact]
    public void ProtocolCoCreateVc_FailingSynchronously_PropagatesItsStatus()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        sandbox.SetBehavior(CmHandler.ProtocolCoCreateVc, HandlerBehavior.CompleteWith(NdisStatuses.Resources));

        var created = sandbox.NdisCoCreateVc(af, "x");

        Assert.Equal((OutcomeKind.Completed, NdisStatuses.Resources, (string?)null), (created.Kind, created.Status, created.NdisVcHandle));
        Assert.Empty(sandbox.GetSnapshot().Vcs);
    }

    [Fact]
    public void MakeCallComplete_WithAnotherPartyHandle_IsV_CMP_06()
    {
        var sandbox = Given.Sandbox();
        var (_, parties) = sandbox.MultipointCall(1);
        var af = sandbox.OpenAf("other");
        var vc = sandbox.ClientVc(af);
        sandbox.NdisClMakeCall(vc, null, "mine");

        var refused = sandbox.Refused("V-CMP-06", s => s.NdisMCmMakeCallComplete(NdisStatuses.Success, vc, parties[0], "cm", null));

        Assert.Equal(Refusal.Argument, refused.Violation!.Rule.Refusal);
    }

    [Fact]
    public void SecondQosRequest_WhileOneIsPending_FailsAsV_CMP_07()
    {
        var sandbox = Given.Sandbox();
        var (_, vc) = sandbox.ConnectedCall();
        var parameters = CallParameterDefaults.For(AddressFamilyType.Q2931);
        sandbox.NdisClModifyCallQoS(vc, parameters);

        sandbox.Rejected("V-CMP-07", NdisStatuses.Failure, s => s.NdisClModifyCallQoS(vc, parameters));
    }

    [Fact]
    public void SecondClose_WhileOneIsPending_FailsAsV_CMP_07()
    {
        var sandbox = Given.Sandbox();
        var (_, vc) = sandbox.ConnectedCall();
        sandbox.NdisClCloseCall(vc, null, null);

        sandbox.Rejected("V-CMP-07", NdisStatuses.Failure, s => s.NdisClCloseCall(vc, null, null));
    }

    [Fact]
    public void EveryCompletion_EchoesThePendingOperationId_OfItsRequest()
    {
        var sandbox = Given.Sandbox();
        sandbox.SetBehavior(CmHandler.ProtocolCmOpenAf, HandlerBehavior.Pend());
        var opened = sandbox.NdisClOpenAddressFamilyEx(CoAddressFamily.Tapi, "isdn");
        var start = sandbox.LastSequence;

        Given.Ok(sandbox.CompletePendingOperation(opened.PendingOperationId!, NdisStatuses.Success));

        var events = sandbox.GetEvents(start);
        Assert.Equal([EventName.NdisMCmOpenAddressFamilyComplete, EventName.ProtocolClOpenAfCompleteEx], events.Select(e => e.Name));
        Assert.All(events, e => Assert.Equal(opened.PendingOperationId, e.PendingOperationId));
        Assert.Equal(("isdn", opened.NdisAfHandle), (events[1].ClientAfContext, events[1].NdisAfHandle));
        Assert.Equal(AfState.Open, sandbox.GetSnapshot().AddressFamilies.Single().State);
    }
}
