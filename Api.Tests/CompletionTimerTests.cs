using Microsoft.Extensions.Time.Testing;
using NdisMock.Domain;
using NdisMock.Hubs;

namespace NdisMock.Api.Tests;

/// <summary>The host's timer for the completions an MCM makes by itself.</summary>
public sealed class CompletionTimerTests
{
    [Fact]
    public void ASelfCompletionThatThrows_IsReported_AndRolledBack_InsteadOfEndingTheProcess_AndTheRequestCanStillBeCompleted()
    {
        var clock = new FakeTimeProvider();
        var sandbox = new Sandbox(new SandboxOptions(), clock);
        var failures = new List<Exception>();
        using var timer = CompletionTimer.For(sandbox, clock, failures.Add);
        var af = sandbox.NdisClOpenAddressFamilyEx(CoAddressFamily.Q2931, "af").NdisAfHandle!;
        var vc = sandbox.NdisCoCreateVc(af, "vc").NdisVcHandle!;
        sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, new HandlerBehavior(BehaviorMode.Pend, NdisStatuses.Success, TimeSpan.FromSeconds(5)));
        var made = sandbox.NdisClMakeCall(vc, null, null).PendingOperationId!;
        var before = sandbox.LastSequence;
        var armed = true;
        sandbox.EventAppended += e =>
        {
            if (armed && e.Name == EventName.ProtocolClMakeCallComplete)
            {
                armed = false;
                throw new InvalidOperationException("injected in a self-completion");
            }
        };

        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.IsType<InvalidOperationException>(Assert.Single(failures));
        Assert.Equal(before, sandbox.LastSequence);
        Assert.NotNull(sandbox.GetPendingOperation(made));
        Assert.Null(sandbox.NextDue);

        var completed = sandbox.CompletePendingOperation(made, NdisStatuses.Success);

        Assert.Equal(OutcomeKind.Completed, completed.Kind);
        Assert.Null(sandbox.GetPendingOperation(made));
        Assert.Equal(EventName.ProtocolClMakeCallComplete, sandbox.GetEvents(before, 100)[^1].Name);
    }
}
