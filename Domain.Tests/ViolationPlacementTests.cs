namespace NdisMock.Domain.Tests;

/// <summary>Every violation names the journal sequence it follows, so a reader of the journal can place it without merging by time.</summary>
public sealed class ViolationPlacementTests
{
    [Fact]
    public void RefusedCall_FollowsTheEventBeforeIt_SinceARefusalJournalsNothing()
    {
        var sandbox = Given.Sandbox();
        var (_, vc) = sandbox.ConnectedCall();
        var before = sandbox.LastSequence;

        var refused = sandbox.Refused("V-CMP-02", s => s.NdisMCmMakeCallComplete(NdisStatuses.Success, vc, null, null, null));

        Assert.Equal(before, refused.Violation!.JournalSequence);
        Assert.Equal(before, sandbox.LastSequence);
        Assert.Equal(before, sandbox.GetViolations()[^1].JournalSequence);
    }

    [Fact]
    public void RejectedCall_FollowsItsOwnEvent()
    {
        var sandbox = Given.Sandbox();
        var (_, vc) = sandbox.ConnectedCall();

        var rejected = sandbox.Rejected("V-VC-05", NdisStatuses.NotAccepted, s => s.NdisCoDeleteVc(vc));

        var call = sandbox.GetEvents(0)[^1];
        Assert.Equal((EventName.NdisCoDeleteVc, call.Sequence), (call.Name, rejected.Violation!.JournalSequence));
    }

    [Fact]
    public void Warning_FollowsTheEventsOfTheCallThatWentOn()
    {
        var sandbox = Given.Sandbox(McmDuties.Manual, Strictness.Lenient);
        var af = sandbox.OpenAf();
        var vc = sandbox.ClientVc(af);
        sandbox.NdisClMakeCall(vc, null, null);
        Given.Ok(sandbox.NdisMCmActivateVc(vc, null));
        Given.Ok(sandbox.NdisMCmMakeCallComplete(NdisStatuses.Success, vc, null, null, null));
        sandbox.NdisClCloseCall(vc, null, null);

        var completed = Given.Ok(sandbox.NdisMCmCloseCallComplete(NdisStatuses.Success, vc, null));

        var warning = Assert.Single(completed.Warnings);
        Assert.Equal(EventName.ProtocolClCloseCallComplete, sandbox.GetEvents(0)[^1].Name);
        Assert.Equal(sandbox.LastSequence, warning.JournalSequence);
        Assert.Equal(sandbox.GetViolations()[^1], warning);
    }
}
