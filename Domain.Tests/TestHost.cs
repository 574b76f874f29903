namespace NdisMock.Domain.Tests;

/// <summary>
/// The part of the host a Domain test plays (the server's is Hubs' CompletionTimer): one timer on the test's clock for
/// the sandbox's next due self-completion, re-armed whenever it changes.
/// </summary>
internal static class TestHost
{
    public static Sandbox Arm(Sandbox sandbox, TimeProvider time)
    {
        if (sandbox.Options.VirtualClock)
        {
            return sandbox;
        }

        var timer = time.CreateTimer(_ => sandbox.CompleteDue(time.GetUtcNow()), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        void ArmFor(DateTimeOffset? due) => timer.Change(
            due is { } at ? (at > time.GetUtcNow() ? at - time.GetUtcNow() : TimeSpan.Zero) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        sandbox.NextDueChanged += ArmFor;
        ArmFor(sandbox.NextDue);
        return sandbox;
    }
}
