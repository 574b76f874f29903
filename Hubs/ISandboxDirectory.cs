using Microsoft.AspNetCore.SignalR;
using NdisMock.Domain;

namespace NdisMock.Hubs;

/// <summary>Finds a sandbox for a subscriber that presents its id and key, wherever it is hosted; implemented by the host.</summary>
public interface ISandboxDirectory
{
    /// <summary>
    /// The sandbox's journal and where it stands, or the refusal (unknown sandbox, missing or wrong key, allowance spent).
    /// An admitted call spends one request of the sandbox's allowance, as a REST request does.
    /// </summary>
    ValueTask<HubOpening> OpenAsync(string sandboxId, string? sandboxKey);

    /// <summary>Whether the sandbox is still hosted under that id (not deleted or expired since it was opened).</summary>
    bool IsHosted(string sandboxId, IJournalSource journal);
}

/// <summary>What opening a sandbox for a subscriber found: its journal and where that stands, or why not.</summary>
public sealed record HubOpening(IJournalSource? Journal, long OldestSequenceKept, long LastSequence, HubException? Refusal)
{
    public static HubOpening Refused(HubException refusal) => new(null, 0, 0, refusal);
}

/// <summary>One sandbox's journal as a subscription reads it: in this process, or in the cluster node that hosts it.</summary>
public interface IJournalSource
{
    /// <summary>
    /// The events after <paramref name="after"/> (at most <paramref name="max"/>), waiting until there is one. A source
    /// that learns the sandbox is gone for good (a grain's) answers an empty batch with the reason in
    /// <see cref="JournalBatch.Ended"/>; in this process the store tells the feeds instead (<see cref="IEventFeeds.SandboxRemoved"/>).
    /// </summary>
    ValueTask<JournalBatch> ReadAsync(long after, int max, CancellationToken cancellationToken);
}

/// <summary>
/// A run of journal events, and the oldest sequence the journal still keeps; or, with <paramref name="Ended"/>, the
/// reason no more will come (SandboxDeleted, SandboxExpired).
/// </summary>
public sealed record JournalBatch(IReadOnlyList<NdisEventMessage> Events, long OldestSequenceKept, string? Ended = null);

/// <summary>A sandbox of this process as a journal source: read directly, woken by its appends.</summary>
public sealed class SandboxJournal(Sandbox sandbox, string sandboxId) : IJournalSource
{
    public Sandbox Sandbox { get; } = sandbox;

    public async ValueTask<JournalBatch> ReadAsync(long after, int max, CancellationToken cancellationToken)
    {
        while (true)
        {
            var events = Sandbox.GetEvents(after, max);
            if (events.Count > 0)
            {
                var messages = new NdisEventMessage[events.Count];
                for (var i = 0; i < messages.Length; i++)
                {
                    messages[i] = NdisEventMessage.From(events[i], sandboxId);
                }

                return new JournalBatch(messages, Sandbox.OldestEventKept);
            }

            await Sandbox.WaitForEventAfterAsync(after, Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
    }
}
