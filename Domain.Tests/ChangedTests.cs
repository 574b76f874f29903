using Microsoft.Extensions.Time.Testing;

namespace NdisMock.Domain.Tests;

/// <summary>
/// A durable host logs each operation from <see cref="Sandbox.Changed"/>, and replaying the log must give the same
/// sandbox: so it is called once per outermost operation, refused ones included (their violations are state), in the
/// order the operations ran, and never for a read.
/// </summary>
public sealed class ChangedTests
{
    [Fact]
    public void Changed_IsCalledOncePerOperation_AcceptedOrRefused_AndNeverForReads()
    {
        var sandbox = Given.Sandbox();
        var calls = 0;
        sandbox.Changed = () => calls++;

        var af = sandbox.OpenAf();
        Assert.Equal(1, calls);
        var vc = sandbox.ClientVc(af);
        Assert.Equal(2, calls);

        Assert.True(sandbox.NdisCoDeleteVc("vc-not-a-handle").IsRefused);
        Assert.Equal(3, calls);

        _ = sandbox.GetSnapshot();
        _ = sandbox.GetEvents(0, 100);
        _ = sandbox.GetViolations();
        _ = sandbox.GetBehaviors();
        _ = sandbox.GetRoutes();
        _ = sandbox.LastSequence;
        Assert.Equal(3, calls);

        var made = sandbox.NdisClMakeCall(vc, null, null);
        Assert.Equal(NdisStatuses.Pending, made.Status);
        Assert.True(sandbox.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success).Status!.Value.IsSuccess);
        Assert.Null(sandbox.SetBehavior(CmHandler.ProtocolCmCloseCall, HandlerBehavior.Pend()));
        Assert.True(sandbox.SetRoute(new RoutingRule("47.0005", RouteOutcome.Busy)));
        Assert.True(sandbox.RemoveRoute("47.0005"));
        sandbox.Reset();
        Assert.Equal(9, calls);
    }

    [Fact]
    public void AnAdvanceOfTheClock_ThatCompletesSeveralRequests_IsOneChange_AndEachCallSeesItsChangeMade()
    {
        var sandbox = new Sandbox(new SandboxOptions { VirtualClock = true });
        var delayed = HandlerBehavior.Pend() with { CompleteAfter = TimeSpan.FromSeconds(1) };
        Assert.Null(sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, delayed));
        var af = sandbox.OpenAf();
        var first = sandbox.ClientVc(af, "one");
        var second = sandbox.ClientVc(af, "two");
        sandbox.NdisClMakeCall(first, null, null);
        sandbox.NdisClMakeCall(second, null, null);

        var seen = new List<long>();
        sandbox.Changed = () => seen.Add(sandbox.GetEvents(0, 10_000)[^1].Sequence);
        Assert.Equal(2, sandbox.AdvanceClock(TimeSpan.FromSeconds(5)));

        Assert.Equal([sandbox.LastSequence], seen);
    }

    [Fact]
    public void SelfCompletionsOnTheHostsClock_AreOneChangeEach_TimerCall()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var sandbox = Given.Sandbox(time: time);
        Assert.Null(sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, HandlerBehavior.Pend() with { CompleteAfter = TimeSpan.FromSeconds(1) }));
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        sandbox.NdisClMakeCall(vc, null, null);
        var calls = 0;
        sandbox.Changed = () => calls++;

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, calls);
        Assert.Contains(sandbox.GetEvents(0, 100), e => e.Name == EventName.ProtocolClMakeCallComplete);
    }

    [Fact]
    public void EveryTimestampOfOneOperation_IsTheInstantItsChangeBegan_SoAReplayAtThatInstantMatches()
    {
        // A clock that moves on every read: without one time per operation, the events of one call would differ.
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture))
        {
            AutoAdvanceAmount = TimeSpan.FromMilliseconds(1),
        };
        var sandbox = new Sandbox(new SandboxOptions(), time);
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        var before = sandbox.LastSequence;

        sandbox.NdisClMakeCall(vc, null, null);

        var events = sandbox.GetEvents(before, 100);
        Assert.True(events.Count >= 2, "NdisClMakeCall and ProtocolCmMakeCall");
        Assert.All(events, e => Assert.Equal(sandbox.ChangedAt, e.Timestamp));
        Assert.Equal(sandbox.ChangedAt, Assert.Single(sandbox.ListPendingOperations()).CreatedAt);
    }
}
