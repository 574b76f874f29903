using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NdisMock.Domain;

namespace NdisMock.Hubs;

/// <summary>Pushes each sandbox's journal to the hub connections that follow it.</summary>
public interface IEventFeeds
{
    /// <summary>
    /// Starts delivering the events after <paramref name="afterSequence"/>, then every new one, to the connection; with
    /// <paramref name="eventNames"/>, only the events of those names (the others are read and skipped). Refused, with
    /// nothing changed, when the connection or the sandbox already has as many subscriptions as allowed.
    /// </summary>
    HubException? Follow(string connectionId, string sandboxId, IJournalSource journal, long afterSequence, IReadOnlySet<EventName>? eventNames = null);

    void Unfollow(string connectionId, string sandboxId);

    void ConnectionClosed(string connectionId);

    /// <summary>Ends every subscription to a removed sandbox, telling its subscribers why (SandboxDeleted, SandboxExpired).</summary>
    void SandboxRemoved(string sandboxId, string reason);

    /// <summary>Events pushed to subscribers so far.</summary>
    long EventsPushed { get; }
}

/// <summary>What the event feeds allow (set by the host from its sandbox limits).</summary>
public sealed class EventFeedsOptions
{
    /// <summary>How many sandboxes one hub connection may follow at once.</summary>
    public int MaxSubscriptionsPerConnection { get; set; } = 16;

    /// <summary>How many hub subscriptions may follow one sandbox at once.</summary>
    public int MaxSubscribersPerSandbox { get; set; } = 32;

    /// <summary>The most journal events one Subscribe replays; a subscriber further behind subscribes later in the journal.</summary>
    public int MaxReplayPerSubscribe { get; set; } = 10_000;
}

/// <summary>
/// Each subscription is a pump that reads the sandbox's journal by sequence number and sends what it has not sent yet
/// (only the names it follows, if it named some: the rest are read and skipped); a journal append only wakes it. So the seam between backlog and live events has no gap and no duplicate by
/// construction, a slow or dead subscriber holds no buffer and delays nobody else (the request path only sets a flag),
/// and a subscriber that falls further behind than the journal keeps is told so instead of silently losing events.
/// </summary>
public sealed class EventFeeds(IHubContext<NdisHub, INdisClient> hub, ILogger<EventFeeds> log, IOptions<EventFeedsOptions> options) : IEventFeeds, IDisposable
{
    private const int BatchSize = 256;
    private readonly IHubContext<NdisHub, INdisClient> _hub = hub;
    private readonly ILogger<EventFeeds> _log = log;
    private readonly EventFeedsOptions _limits = options.Value;
    private readonly ConcurrentDictionary<(string Connection, string Sandbox), Subscription> _subscriptions = new();
    private readonly Lock _following = new();
    private long _pushed;

    public long EventsPushed => Interlocked.Read(ref _pushed);

    /// <summary>Subscriptions now, over all connections.</summary>
    public int Count => _subscriptions.Count;

    /// <summary>Hub subscriptions following the sandbox now.</summary>
    public int SubscribersOf(string sandboxId) => _subscriptions.Keys.Count(k => k.Sandbox == sandboxId);

    /// <summary>Follows a sandbox of this process.</summary>
    public HubException? Follow(string connectionId, string sandboxId, Sandbox sandbox, long afterSequence, IReadOnlySet<EventName>? eventNames = null) =>
        Follow(connectionId, sandboxId, new SandboxJournal(sandbox, sandboxId), afterSequence, eventNames);

    public HubException? Follow(string connectionId, string sandboxId, IJournalSource journal, long afterSequence, IReadOnlySet<EventName>? eventNames = null)
    {
        var subscription = new Subscription(this, connectionId, sandboxId, journal, afterSequence, eventNames);
        lock (_following)
        {
            // Replacing this connection's own subscription to the sandbox takes no new slot.
            if (!_subscriptions.ContainsKey((connectionId, sandboxId)))
            {
                if (_subscriptions.Keys.Count(k => k.Connection == connectionId) >= _limits.MaxSubscriptionsPerConnection)
                {
                    return HubRefusal.Create("TooManySubscriptions",
                        $"This connection already follows {_limits.MaxSubscriptionsPerConnection} sandboxes, the most one connection may (Sandboxes__MaxSubscriptionsPerConnection). Unsubscribe from one first; nothing changed.");
                }

                if (SubscribersOf(sandboxId) >= _limits.MaxSubscribersPerSandbox)
                {
                    return HubRefusal.Create("TooManySubscriptions",
                        $"This sandbox already has {_limits.MaxSubscribersPerSandbox} hub subscribers, its maximum (Sandboxes__MaxSubscribersPerSandbox); nothing changed.");
                }
            }

            _subscriptions.AddOrUpdate((connectionId, sandboxId), subscription, (_, old) =>
            {
                old.Dispose();
                return subscription;
            });
        }

        subscription.Start();
        return null;
    }

    public void Unfollow(string connectionId, string sandboxId)
    {
        if (_subscriptions.TryRemove((connectionId, sandboxId), out var subscription))
        {
            subscription.Dispose();
        }
    }

    public void ConnectionClosed(string connectionId)
    {
        foreach (var key in _subscriptions.Keys.Where(k => k.Connection == connectionId))
        {
            Unfollow(key.Connection, key.Sandbox);
        }
    }

    public void SandboxRemoved(string sandboxId, string reason)
    {
        foreach (var key in _subscriptions.Keys.Where(k => k.Sandbox == sandboxId))
        {
            if (_subscriptions.TryRemove(key, out var subscription))
            {
                subscription.End(reason);
            }
        }
    }

    public void Dispose()
    {
        foreach (var subscription in _subscriptions.Values)
        {
            subscription.Dispose();
        }

        _subscriptions.Clear();
    }

    private sealed class Subscription(EventFeeds feeds, string connectionId, string sandboxId, IJournalSource journal, long afterSequence, IReadOnlySet<EventName>? eventNames)
        : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private long _oldestKept = 1;

        // The last event read from the journal, delivered or (not named by the subscriber) skipped: the journal is read on
        // from it, so skipped events never count as a gap; and the last event actually sent.
        private long _read = afterSequence;
        private long _delivered = afterSequence;

        public void Start() => _ = Task.Run(PumpAsync);

        public void Dispose() => _stop.Cancel();

        /// <summary>Stops after telling the subscriber why.</summary>
        public void End(string reason)
        {
            Dispose();
            _ = NotifyEndedAsync(reason);
        }

        private async Task PumpAsync()
        {
            var client = feeds._hub.Clients.Client(connectionId);
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    // Waits in the journal's host until there is an event after the last one read.
                    var batch = await journal.ReadAsync(_read, BatchSize, _stop.Token);
                    _oldestKept = batch.OldestSequenceKept;
                    if (batch.Ended is { } reason)
                    {
                        feeds._subscriptions.TryRemove(new KeyValuePair<(string, string), Subscription>((connectionId, sandboxId), this));
                        End(reason);
                        return;
                    }

                    if (batch.Events.Count == 0)
                    {
                        continue;
                    }

                    if (batch.Events[0].Sequence != _read + 1)
                    {
                        feeds._subscriptions.TryRemove(new KeyValuePair<(string, string), Subscription>((connectionId, sandboxId), this));
                        End("JournalOverrun");
                        return;
                    }

                    foreach (var e in batch.Events)
                    {
                        if (!EnumNames<EventName>.TryParse(e.Name, out var name))
                        {
                            throw new InvalidDataException($"The journal holds an event this version does not know: {e.Name}.");
                        }

                        if (eventNames is null || eventNames.Contains(name))
                        {
                            await client.Deliver(name, e);
                            _delivered = e.Sequence;
                            Interlocked.Increment(ref feeds._pushed);
                        }

                        _read = e.Sequence;
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                // A connection that broke mid-send: the client reconnects and resubscribes from its last sequence.
                feeds._log.LogInformation(ex, "Push to {ConnectionId} for sandbox {SandboxId} stopped after sequence {Sequence}", connectionId, sandboxId, _delivered);
                feeds.Unfollow(connectionId, sandboxId);
            }
        }

        private async Task NotifyEndedAsync(string reason)
        {
            try
            {
                await feeds._hub.Clients.Client(connectionId).SubscriptionEnded(
                    new SubscriptionEndedMessage(sandboxId, reason, _delivered, _oldestKept));
            }
            catch (Exception ex)
            {
                feeds._log.LogInformation(ex, "Could not tell {ConnectionId} that its subscription to {SandboxId} ended", connectionId, sandboxId);
            }
        }
    }
}
