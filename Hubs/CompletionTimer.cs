using NdisMock.Domain;

namespace NdisMock.Hubs;

/// <summary>
/// The host's one timer per sandbox for the completions its MCM makes by itself: armed on the host's clock for the
/// sandbox's <see cref="Sandbox.NextDue"/>, re-armed whenever that changes, and firing
/// <see cref="Sandbox.CompleteDue"/>. A sandbox on a virtual clock needs none: AdvanceClock completes what falls due.
/// </summary>
public sealed class CompletionTimer : IDisposable
{
    private readonly Sandbox _sandbox;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;

    private CompletionTimer(Sandbox sandbox, TimeProvider time)
    {
        _sandbox = sandbox;
        _time = time;
        _timer = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        sandbox.NextDueChanged += Arm;
        Arm(sandbox.NextDue);
    }

    /// <summary>Arms a timer for <paramref name="sandbox"/> on <paramref name="time"/>, or none for a virtual-clock sandbox.</summary>
    public static CompletionTimer? For(Sandbox sandbox, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        ArgumentNullException.ThrowIfNull(time);
        return sandbox.Options.VirtualClock ? null : new CompletionTimer(sandbox, time);
    }

    public void Dispose()
    {
        _sandbox.NextDueChanged -= Arm;
        _timer.Dispose();
    }

    /// <summary>Completes what is due; a timer that woke a little early re-arms for what is still to come.</summary>
    private void Fire()
    {
        if (_sandbox.CompleteDue(_time.GetUtcNow()) == 0)
        {
            Arm(_sandbox.NextDue);
        }
    }

    private void Arm(DateTimeOffset? due) =>
        _timer.Change(due is { } at ? Max(at - _time.GetUtcNow(), TimeSpan.Zero) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
