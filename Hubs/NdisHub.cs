using Microsoft.AspNetCore.SignalR;

namespace NdisMock.Hubs;

/// <summary>What the hub method <c>Subscribe</c> answers: where the journal stands.</summary>
/// <param name="SandboxId">The sandbox now followed.</param>
/// <param name="LastSequence">The newest event at the time of subscribing.</param>
/// <param name="OldestSequenceKept">The oldest event the bounded journal still holds.</param>
public sealed record SubscriptionInfo(string SandboxId, long LastSequence, long OldestSequenceKept);

/// <summary>
/// The push channel at <c>/hubs/ndis</c>. It only subscribes and unsubscribes; pushing happens in <see cref="IEventFeeds"/>.
/// One connection may follow several sandboxes, and never receives another sandbox's events.
/// </summary>
public sealed class NdisHub(ISandboxDirectory sandboxes, IEventFeeds feeds) : Hub<INdisClient>
{
    /// <summary>
    /// Checks the key, then delivers every journal event after <paramref name="afterSequence"/> in order and goes on with
    /// live ones, with no gap and no duplicate. Reconnect with the last sequence seen to miss nothing.
    /// </summary>
    /// <param name="sandboxId">The sandbox to follow, as CreateSandbox returned it.</param>
    /// <param name="sandboxKey">Its key, as CreateSandbox returned it.</param>
    /// <param name="afterSequence">The last sequence already seen: 0 for the whole journal, at most the newest sequence.</param>
    public SubscriptionInfo Subscribe(string sandboxId, string sandboxKey, long afterSequence)
    {
        var (sandbox, refusal) = sandboxes.Open(sandboxId, sandboxKey);
        if (sandbox is null)
        {
            throw new HubException(refusal);
        }

        var oldest = sandbox.OldestEventKept;
        var last = sandbox.LastSequence;
        if (afterSequence < 0 || afterSequence > last)
        {
            throw new HubException($"afterSequence must be between 0 and the newest sequence, {last}; it was {afterSequence}.");
        }

        if (afterSequence + 1 < oldest)
        {
            throw new HubException($"Events after {afterSequence} are no longer all kept: the oldest sequence kept is {oldest}. Subscribe after {oldest - 1} or later.");
        }

        feeds.Follow(Context.ConnectionId, sandboxId, sandbox, afterSequence);
        return new SubscriptionInfo(sandboxId, last, oldest);
    }

    /// <summary>Stops following a sandbox.</summary>
    /// <param name="sandboxId">The sandbox to stop following.</param>
    public void Unsubscribe(string sandboxId) => feeds.Unfollow(Context.ConnectionId, sandboxId);

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        feeds.ConnectionClosed(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}
