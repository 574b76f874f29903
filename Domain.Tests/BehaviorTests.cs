using Microsoft.Extensions.Time.Testing;

namespace NdisMock.Domain.Tests;

/// <summary>The MCM's scripted handler answers, self-completion on a fake clock, and the duties.</summary>
public sealed class BehaviorTests
{
    [Fact]
    public void Defaults_PendTheSignallingHandlers_AndCompleteTheAfAndSapHandlers()
    {
        var behaviors = Given.Sandbox().GetBehaviors();

        Assert.All(
            new[] { CmHandler.ProtocolCmMakeCall, CmHandler.ProtocolCmCloseCall, CmHandler.ProtocolCmAddParty, CmHandler.ProtocolCmDropParty, CmHandler.ProtocolCmModifyCallQoS },
            h => Assert.Equal(BehaviorMode.Pend, behaviors[h].Mode));
        Assert.All(
            new[] { CmHandler.ProtocolCmOpenAf, CmHandler.ProtocolCmCloseAf, CmHandler.ProtocolCmRegisterSap, CmHandler.ProtocolCmDeregisterSap },
            h => Assert.Equal(HandlerBehavior.CompleteWith(NdisStatuses.Success), behaviors[h]));
    }

    [Fact]
    public void PendWithCompleteAfter_CompletesByItself_ExactlyWhenTheClockGetsThere()
    {
        var clock = new FakeTimeProvider();
        var sandbox = Given.Sandbox(time: clock);
        var (_, vc) = sandbox.ConnectedCall();
        Assert.Null(sandbox.SetBehavior(CmHandler.ProtocolCmCloseCall, new HandlerBehavior(BehaviorMode.Pend, NdisStatuses.Success, TimeSpan.FromMilliseconds(50))));
        var closed = sandbox.NdisClCloseCall(vc, null, null);
        Assert.True(sandbox.GetPendingOperation(closed.PendingOperationId!)!.SelfCompletes);
        var start = sandbox.LastSequence;

        clock.Advance(TimeSpan.FromMilliseconds(49));
        Assert.Empty(sandbox.GetEvents(start));
        clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(
            ["NdisMCmDeactivateVc Mcm SUCCESS", "NdisMCmCloseCallComplete Mcm SUCCESS", "ProtocolClCloseCallComplete Client SUCCESS"],
            sandbox.Trace(start));
        Assert.Equal(clock.GetUtcNow(), sandbox.GetEvents(start)[^1].Timestamp);
        Assert.Null(sandbox.GetPendingOperation(closed.PendingOperationId!));
    }

    [Fact]
    public void SelfCompletion_DoesNotFire_WhenTheRequestWasCompletedFirst()
    {
        var clock = new FakeTimeProvider();
        var sandbox = Given.Sandbox(time: clock);
        sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, new HandlerBehavior(BehaviorMode.Pend, NdisStatuses.Failure, TimeSpan.FromSeconds(1)));
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        var made = sandbox.NdisClMakeCall(vc, null, null);
        Given.Ok(sandbox.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success));
        var start = sandbox.LastSequence;

        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Empty(sandbox.GetEvents(start));
        Assert.Empty(sandbox.GetViolations());
    }

    [Fact]
    public void SelfCompletion_PerformsTheDuties_EvenWithManualDuties()
    {
        var clock = new FakeTimeProvider();
        var sandbox = Given.Sandbox(McmDuties.Manual, time: clock);
        sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, new HandlerBehavior(BehaviorMode.Pend, NdisStatuses.Success, TimeSpan.FromSeconds(1)));
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        sandbox.NdisClMakeCall(vc, null, null);

        clock.Advance(TimeSpan.FromSeconds(1));

        var view = sandbox.GetSnapshot().Vcs.Single();
        Assert.Equal((CallState.Connected, Activation.Active), (view.CallState, view.Activation));
    }

    [Fact]
    public void CompleteWithAFailure_AnswersAtOnce()
    {
        var sandbox = Given.Sandbox();
        sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, HandlerBehavior.CompleteWith(NdisStatuses.CellrateNotAvailable));
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        var start = sandbox.LastSequence;

        var made = sandbox.NdisClMakeCall(vc, null, null);

        Assert.Equal((OutcomeKind.Completed, NdisStatuses.CellrateNotAvailable), (made.Kind, made.Status));
        Assert.Equal(["NdisClMakeCall Client CELLRATE_NOT_AVAILABLE", "ProtocolCmMakeCall Mcm CELLRATE_NOT_AVAILABLE"], sandbox.Trace(start));
        Assert.Empty(sandbox.ListPendingOperations());
    }

    [Fact]
    public void SynchronousSuccess_OfMakeAndCloseCall_ActivatesAndDeactivatesInsideTheHandler()
    {
        var sandbox = Given.Sandbox(McmDuties.Manual);
        sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, HandlerBehavior.CompleteWith(NdisStatuses.Success));
        sandbox.SetBehavior(CmHandler.ProtocolCmCloseCall, HandlerBehavior.CompleteWith(NdisStatuses.Success));
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        var start = sandbox.LastSequence;

        Given.Ok(sandbox.NdisClMakeCall(vc, null, null));
        Given.Ok(sandbox.NdisClCloseCall(vc, null, null));

        Assert.Equal(
            [
                "NdisClMakeCall Client SUCCESS", "ProtocolCmMakeCall Mcm SUCCESS", "NdisMCmActivateVc Mcm SUCCESS",
                "NdisClCloseCall Client SUCCESS", "ProtocolCmCloseCall Mcm SUCCESS", "NdisMCmDeactivateVc Mcm SUCCESS",
            ],
            sandbox.Trace(start));
        Assert.DoesNotContain(sandbox.GetEvents(start), e => e.Name == EventName.ProtocolClCloseCallComplete);
    }

    [Fact]
    public void AutoDuties_DeleteTheMcmsVc_AfterItsCallClosed()
    {
        var sandbox = Given.Sandbox();
        var (_, _, vc, _) = sandbox.OfferedCall();
        Given.Ok(sandbox.NdisClIncomingCallComplete(NdisStatuses.Success, vc, null));
        Given.Ok(sandbox.NdisMCmDispatchCallConnected(vc));
        var closed = sandbox.NdisClCloseCall(vc, null, null);
        var start = sandbox.LastSequence;

        Given.Ok(sandbox.CompletePendingOperation(closed.PendingOperationId!, NdisStatuses.Success));

        Assert.Equal(
            [
                "NdisMCmDeactivateVc Mcm SUCCESS", "NdisMCmCloseCallComplete Mcm SUCCESS", "ProtocolClCloseCallComplete Client SUCCESS",
                "NdisMCmDeleteVc Mcm SUCCESS", "ProtocolCoDeleteVc Client SUCCESS",
            ],
            sandbox.Trace(start));
        Assert.Empty(sandbox.GetSnapshot().Vcs);
    }

    [Theory]
    [InlineData(CmHandler.ProtocolCmMakeCall, BehaviorMode.Complete, "NDIS_STATUS_PENDING", null)]
    [InlineData(CmHandler.ProtocolCmMakeCall, BehaviorMode.Complete, "NDIS_STATUS_SUCCESS", "00:00:01")]
    [InlineData(CmHandler.ProtocolCmMakeCall, BehaviorMode.Pend, "NDIS_STATUS_PENDING", "00:00:01")]
    [InlineData(CmHandler.ProtocolCmMakeCall, BehaviorMode.Pend, "NDIS_STATUS_SUCCESS", "-00:00:01")]
    [InlineData(CmHandler.ProtocolCoCreateVc, BehaviorMode.Pend, "NDIS_STATUS_SUCCESS", "00:00:01")]
    [InlineData(CmHandler.ProtocolCmCloseAf, BehaviorMode.Pend, "NDIS_STATUS_FAILURE", "00:00:01")]
    public void ImpossibleBehaviors_AreRefused_AndChangeNothing(CmHandler handler, BehaviorMode mode, string status, string? after)
    {
        var sandbox = Given.Sandbox();
        Assert.True(NdisStatuses.TryParse(status, out var parsed));
        var before = sandbox.GetBehaviors()[handler];

        var problem = sandbox.SetBehavior(handler, new HandlerBehavior(mode, parsed, after is null ? null : TimeSpan.Parse(after, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.NotNull(problem);
        Assert.Equal(before, sandbox.GetBehaviors()[handler]);
    }

    [Fact]
    public void Reset_RestoresDefaults_AndKeepsTheJournalCounting()
    {
        var sandbox = Given.Sandbox();
        sandbox.ConnectedCall();
        sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, HandlerBehavior.CompleteWith(NdisStatuses.Failure));
        var last = sandbox.LastSequence;

        sandbox.Reset();

        var snapshot = sandbox.GetSnapshot();
        Assert.Empty(snapshot.AddressFamilies);
        Assert.Empty(snapshot.Vcs);
        Assert.Equal(BehaviorMode.Pend, sandbox.GetBehaviors()[CmHandler.ProtocolCmMakeCall].Mode);
        Assert.Equal(last + 1, sandbox.GetEvents(last)[0].Sequence);
    }
}
