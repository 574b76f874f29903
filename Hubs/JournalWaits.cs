using NdisMock.Domain;

namespace NdisMock.Hubs;

/// <summary>
/// The host's wait for a sandbox's journal to grow (GetEvents' long-poll): it rests on the sandbox's EventAppended and
/// the host's clock, so the sandbox itself never waits and a virtual clock never needs to move for a wait to end.
/// </summary>
public static class JournalWaits
{
    /// <summary>
    /// Waits until the journal holds an event after <paramref name="after"/>, or until <paramref name="timeout"/> has
    /// passed on <paramref name="time"/> (<see cref="Timeout.InfiniteTimeSpan"/>: until cancelled). True when there is such an event.
    /// </summary>
    public static async Task<bool> WaitForEventAfterAsync(
        this Sandbox sandbox, long after, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        ArgumentNullException.ThrowIfNull(time);
        var appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnAppended(NdisEvent e)
        {
            if (e.Sequence > after)
            {
                appended.TrySetResult();
            }
        }

        sandbox.EventAppended += OnAppended;
        try
        {
            // Read after subscribing, so an event appended in between is seen one way or the other.
            if (sandbox.LastSequence > after)
            {
                return true;
            }

            if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            {
                return false;
            }

            await appended.Task.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return sandbox.LastSequence > after;
        }
        finally
        {
            sandbox.EventAppended -= OnAppended;
        }
    }
}
