using NdisMock.Domain;

namespace NdisMock.Hubs;

/// <summary>
/// The host's one timer per sandbox for the completions its MCM makes by itself: armed on the host's clock for the
/// sandbox's <see cref="Sandbox.NextDue"/>, re-armed whenever that changes, and firing
/// <see cref="Sandbox.CompleteDue()"/>. A sandbox on a virtual clock needs none: AdvanceClock completes what falls due.
/// </summary>
public sealed class CompletionTimer : IDisposable
{
    private readonly Sandbox _sandbox;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly Action<Exception>? _failed;

    private CompletionTimer(Sandbox sandbox, TimeProvider time, Action<Exception>? failed)
    {
        _sandbox = sandbox;
        _time = time;
        _failed = failed;
        _timer = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        sandbox.NextDueChanged += Arm;
        Arm(sandbox.NextDue);
    }

    /// <summary>
    /// Arms a timer for <paramref name="sandbox"/> on <paramref name="time"/>, or none for a virtual-clock sandbox.
    /// <paramref name="failed"/> hears of a completion that threw: its turn rolled back, so the request still pends (for a
    /// CompletePendingOperation; it is not tried again by itself), and the timer goes on for what else falls due. A timer
    /// callback that threw would end the process.
    /// </summary>
    public static CompletionTimer? For(Sandbox sandbox, TimeProvider time, Action<Exception>? failed = null)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        ArgumentNullException.ThrowIfNull(time);
        return sandbox.Options.VirtualClock ? null : new CompletionTimer(sandbox, time, failed);
    }

    public void Dispose()
    {
        _sandbox.NextDueChanged -= Arm;
        _timer.Dispose();
    }

    /// <summary>Completes what is due; a timer that woke a little early re-arms for what is still to come.</summary>
    private void Fire()
    {
        try
        {
            if (_sandbox.CompleteDue() == 0)
            {
                Arm(_sandbox.NextDue);
            }
        }
#pragma warning disable CA1031 // Whatever a completion throws, it must not end the process from a timer thread.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _failed?.Invoke(e);
        }
    }

    private void Arm(DateTimeOffset? due) =>
        _timer.Change(due is { } at ? Max(at - _time.GetUtcNow(), TimeSpan.Zero) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
