namespace NdisMock.Domain.Tests;

/// <summary>The pending ledger's due times: the host completes what falls due; the Domain creates no timer.</summary>
public sealed class LedgerTests
{
    [Fact]
    public void SelfCompletion_IsADueTimeInTheLedger_ThatTheHostCompletes()
    {
        var clock = new NoTimers(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var sandbox = new Sandbox(new SandboxOptions(), clock);
        sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, new HandlerBehavior(BehaviorMode.Pend, NdisStatuses.Success, TimeSpan.FromSeconds(1)));
        DateTimeOffset? announced = null;
        sandbox.NextDueChanged += due => announced = due;
        var vc = sandbox.ClientVc(sandbox.OpenAf());

        var made = sandbox.NdisClMakeCall(vc, null, null);

        var due = clock.GetUtcNow() + TimeSpan.FromSeconds(1);
        Assert.Equal((OutcomeKind.Pended, (DateTimeOffset?)due, (DateTimeOffset?)due), (made.Kind, sandbox.NextDue, announced));
        Assert.Equal(0, sandbox.CompleteDue(due - TimeSpan.FromTicks(1)));
        var start = sandbox.LastSequence;

        Assert.Equal(1, sandbox.CompleteDue(due));

        Assert.Equal(["NdisMCmActivateVc Mcm SUCCESS", "NdisMCmMakeCallComplete Mcm SUCCESS", "ProtocolClMakeCallComplete Client SUCCESS"], sandbox.Trace(start));
        Assert.Equal((null, null), (sandbox.NextDue, announced));
        Assert.Empty(sandbox.ListPendingOperations());
    }

    [Fact]
    public void DueCompletions_ComeInDueOrder_EachTriedOnce()
    {
        var clock = new NoTimers(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var sandbox = new Sandbox(new SandboxOptions(), clock);
        sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, new HandlerBehavior(BehaviorMode.Pend, NdisStatuses.Success, TimeSpan.FromSeconds(2)));
        var af = sandbox.OpenAf();
        var later = sandbox.NdisClMakeCall(sandbox.ClientVc(af), null, null);
        sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, new HandlerBehavior(BehaviorMode.Pend, NdisStatuses.Success, TimeSpan.FromSeconds(1)));
        var sooner = sandbox.NdisClMakeCall(sandbox.ClientVc(af), null, null);
        var start = sandbox.LastSequence;

        Assert.Equal(2, sandbox.CompleteDue(clock.GetUtcNow() + TimeSpan.FromSeconds(5)));

        Assert.Equal([sooner.PendingOperationId, later.PendingOperationId],
            sandbox.GetEvents(start).Where(e => e.Name == EventName.ProtocolClMakeCallComplete).Select(e => e.PendingOperationId));
        Assert.Equal(0, sandbox.CompleteDue(clock.GetUtcNow() + TimeSpan.FromSeconds(5)));
    }

    /// <summary>A clock that refuses to create timers: the Domain must not need one.</summary>
    private sealed class NoTimers(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            throw new InvalidOperationException("The Domain created a timer.");
    }
}
