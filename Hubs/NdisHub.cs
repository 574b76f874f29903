using System.Collections.Frozen;
using Microsoft.AspNetCore.SignalR;
using NdisMock.Domain;

namespace NdisMock.Hubs;

/// <summary>What the hub methods <c>Subscribe</c> and <c>SubscribeToEvents</c> answer: where the journal stands.</summary>
/// <param name="SandboxId">The sandbox now followed.</param>
/// <param name="LastSequence">The newest event at the time of subscribing.</param>
/// <param name="OldestSequenceKept">The oldest event the bounded journal still holds.</param>
public sealed record SubscriptionInfo(string SandboxId, long LastSequence, long OldestSequenceKept);

/// <summary>
/// The push channel at <c>/hubs/ndis</c>. It only subscribes and unsubscribes; pushing happens in <see cref="IEventFeeds"/>.
/// One connection may follow several sandboxes, and never receives another sandbox's events.
/// </summary>
public sealed class NdisHub(ISandboxDirectory sandboxes, IEventFeeds feeds, Microsoft.Extensions.Options.IOptions<EventFeedsOptions> limits) : Hub<INdisClient>
{
    /// <summary>
    /// Checks the key, then delivers every journal event after <paramref name="afterSequence"/> in order and goes on with
    /// live ones, with no gap and no duplicate. Reconnect with the last sequence seen to miss nothing.
    /// </summary>
    /// <param name="sandboxId">The sandbox to follow, as CreateSandbox returned it.</param>
    /// <param name="sandboxKey">Its key, as CreateSandbox returned it.</param>
    /// <param name="afterSequence">The last sequence already seen: 0 for the whole journal, at most the newest sequence.</param>
    public async Task<SubscriptionInfo> Subscribe(string sandboxId, string sandboxKey, long afterSequence)
    {
        var (journal, info) = await OpenAsync(sandboxId, sandboxKey, afterSequence);
        Follow(sandboxId, journal, afterSequence, null);
        return info;
    }

    /// <summary>
    /// As <see cref="Subscribe"/>, but delivers only the events named in <paramref name="eventNames"/> (NDIS function, handler
    /// and callback names, e.g. ProtocolClCloseCallComplete, in any case), so a client is sent nothing it has no handler for.
    /// The others are skipped, not lost: the named ones arrive in order with their journal sequences, with no gap and no
    /// duplicate across backlog and live, and resubscribing after the last sequence seen misses none. An unknown name, or no
    /// name at all, is refused with every unknown name listed. Replaces any subscription of this connection to the sandbox.
    /// </summary>
    /// <param name="sandboxId">The sandbox to follow, as CreateSandbox returned it.</param>
    /// <param name="sandboxKey">Its key, as CreateSandbox returned it.</param>
    /// <param name="afterSequence">The last sequence already seen: 0 for the whole journal, at most the newest sequence.</param>
    /// <param name="eventNames">The event names to be sent, e.g. ["ProtocolClCloseCallComplete"].</param>
    public async Task<SubscriptionInfo> SubscribeToEvents(string sandboxId, string sandboxKey, long afterSequence, string[] eventNames)
    {
        var (journal, info) = await OpenAsync(sandboxId, sandboxKey, afterSequence);
        Follow(sandboxId, journal, afterSequence, ParseNames(eventNames));
        return info;
    }

    /// <summary>Stops following a sandbox.</summary>
    /// <param name="sandboxId">The sandbox to stop following.</param>
    public void Unsubscribe(string sandboxId) => feeds.Unfollow(Context.ConnectionId, sandboxId);

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        feeds.ConnectionClosed(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>
    /// Follows the sandbox, unless a limit refuses. A sandbox deleted between its Open and the Follow (its removal
    /// did not see this subscription) is ended here, so every subscription ends with SubscriptionEnded.
    /// </summary>
    private void Follow(string sandboxId, IJournalSource journal, long afterSequence, IReadOnlySet<EventName>? names)
    {
        if (feeds.Follow(Context.ConnectionId, sandboxId, journal, afterSequence, names) is { } refusal)
        {
            throw refusal;
        }

        if (!sandboxes.IsHosted(sandboxId, journal))
        {
            feeds.SandboxRemoved(sandboxId, "SandboxDeleted");
        }
    }

    /// <summary>The sandbox, once the key and then the sequence have been checked.</summary>
    private async Task<(IJournalSource Journal, SubscriptionInfo Info)> OpenAsync(string sandboxId, string sandboxKey, long afterSequence)
    {
        var opening = await sandboxes.OpenAsync(sandboxId, sandboxKey);
        if (opening.Journal is not { } journal)
        {
            throw opening.Refusal ?? HubRefusal.Create("UnknownSandbox", "There is no such sandbox.");
        }

        var oldest = opening.OldestSequenceKept;
        var last = opening.LastSequence;
        if (afterSequence < 0 || afterSequence > last)
        {
            throw HubRefusal.Create("BadSequence", $"afterSequence must be between 0 and the newest sequence, {last}; it was {afterSequence}.");
        }

        if (afterSequence + 1 < oldest)
        {
            throw HubRefusal.Create("BadSequence", $"Events after {afterSequence} are no longer all kept: the oldest sequence kept is {oldest}. Subscribe after {oldest - 1} or later.");
        }

        // One Subscribe replays a bounded backlog, so no call makes the server send a whole journal.
        var replay = limits.Value.MaxReplayPerSubscribe;
        if (last - afterSequence > replay)
        {
            throw HubRefusal.Create("BacklogTooLong",
                $"Subscribing after {afterSequence} would replay {last - afterSequence} events; one Subscribe replays at most {replay} (Sandboxes__MaxReplayPerSubscribe). Read older events with GetEvents, then subscribe after {last - replay} or later.");
        }

        return (journal, new SubscriptionInfo(sandboxId, last, oldest));
    }

    /// <summary>
    /// Event names read the one strict way enum names are: a name of <see cref="EventName"/> in any case; a number,
    /// a comma-joined list or any other text is refused.
    /// </summary>
    private static FrozenSet<EventName> ParseNames(string[]? eventNames)
    {
        if (eventNames is not { Length: > 0 })
        {
            throw HubRefusal.Create("BadEventNames", $"eventNames lists no event name: name at least one ({AllNames}), or call Subscribe for every event.");
        }

        var names = new HashSet<EventName>();
        var unknown = new List<string>();
        foreach (var text in eventNames)
        {
            if (EnumNames<EventName>.TryParse(text, out var name))
            {
                names.Add(name);
            }
            else
            {
                unknown.Add(text is null ? "null" : $"'{text}'");
            }
        }

        if (unknown.Count > 0)
        {
            throw HubRefusal.Create("BadEventNames", $"Not event names: {string.Join(", ", unknown)}. An event name is an NDIS function, handler or callback, one of {AllNames}.");
        }

        return names.ToFrozenSet();
    }

    private static string AllNames => string.Join(", ", Enum.GetNames<EventName>());
}
