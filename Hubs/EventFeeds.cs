using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
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
/// Delivers each sandbox's journal by sequence number, so the seam between backlog and live events has no gap and no
/// duplicate by construction, and a subscriber that falls further behind than the journal keeps is told so instead of
/// silently losing events. A journal append only wakes a reader: the request path never waits for a subscriber.
/// <para>
/// The subscribers of a journal that are caught up share one reader, its fan-out: it reads each event once, serializes
/// it once per hub protocol, and writes those bytes to every subscriber that follows the event's name. A subscriber that
/// does not take a write at once (its client reads slowly, or is stuck) leaves the fan-out with that write pending and
/// reads on by itself from its own last sequence once the write is done, so it holds no buffer and delays no one; it
/// rejoins when it has caught up. A subscriber starting behind the fan-out reads by itself until it has caught up too.
/// </para>
/// </summary>
public sealed class EventFeeds(IHubConnections connections, ILogger<EventFeeds> log, IOptions<EventFeedsOptions> options) : IEventFeeds, IDisposable
{
    private const int BatchSize = 256;
    private readonly IHubConnections _connections = connections;
    private readonly ILogger<EventFeeds> _log = log;
    private readonly EventFeedsOptions _limits = options.Value;
    private readonly ConcurrentDictionary<(string Connection, string Sandbox), Subscription> _subscriptions = new();
    private readonly Lock _following = new();

    // The fan-outs by journal (the same journal object: one sandbox in one host), and who reads through each: guarded by _fanning.
    private readonly Dictionary<IJournalSource, Fanout> _fanouts = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _fanning = new();
    private long _pushed;

    public long EventsPushed => Interlocked.Read(ref _pushed);

    /// <summary>Subscriptions now, over all connections.</summary>
    public int Count => _subscriptions.Count;

    /// <summary>Hub subscriptions following the sandbox now.</summary>
    public int SubscribersOf(string sandboxId) => _subscriptions.Keys.Count(k => k.Sandbox == sandboxId);

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

    /// <summary>One event as the hub sends it: the client method named after it, with the event as its argument.</summary>
    private static SerializedHubMessage Invocation(string method, object argument) => new(new InvocationMessage(method, [argument]));

    private static EventName NameOf(NdisEventMessage e) => EnumNames<EventName>.TryParse(e.Name, out var name)
        ? name
        : throw new InvalidDataException($"The journal holds an event this version does not know: {e.Name}.");

    /// <summary>
    /// Hands the subscription to its journal's fan-out when that has read no further than the subscription has (the
    /// fan-out skips what the subscription already read), starting one at the subscription's sequence if there is none.
    /// False while the subscription is behind: it reads on by itself.
    /// </summary>
    private bool TryJoin(Subscription subscription)
    {
        lock (_fanning)
        {
            if (subscription.Stopped)
            {
                return true;
            }

            if (!_fanouts.TryGetValue(subscription.Journal, out var fanout))
            {
                fanout = new Fanout(this, subscription.Journal, subscription.Read);
                _fanouts.Add(subscription.Journal, fanout);
                fanout.Start();
            }
            else if (fanout.Position > subscription.Read)
            {
                return false;
            }

            fanout.Members.Add(subscription);
            subscription.JoinedTo(fanout);
            return true;
        }
    }

    /// <summary>Takes the subscription out of its fan-out, if it is in one; the last member out stops the fan-out.</summary>
    private void Leave(Subscription subscription)
    {
        lock (_fanning)
        {
            if (subscription.Fanout is not { } fanout)
            {
                return;
            }

            subscription.JoinedTo(null);
            fanout.Members.Remove(subscription);
            if (fanout.Members.Count == 0)
            {
                _fanouts.Remove(fanout.Journal);
                fanout.Stop();
            }
        }
    }

    /// <summary>Ends a fan-out whose journal ended or failed: its members, who read through it until now.</summary>
    private Subscription[] Disband(Fanout fanout)
    {
        lock (_fanning)
        {
            if (_fanouts.TryGetValue(fanout.Journal, out var current) && current == fanout)
            {
                _fanouts.Remove(fanout.Journal);
            }

            Subscription[] members = [.. fanout.Members];
            fanout.Members.Clear();
            foreach (var member in members)
            {
                member.JoinedTo(null);
            }

            return members;
        }
    }

    /// <summary>The reader the caught-up subscribers of one journal share.</summary>
    private sealed class Fanout(EventFeeds feeds, IJournalSource journal, long position)
    {
        private readonly CancellationTokenSource _stop = new();

        public IJournalSource Journal { get; } = journal;

        /// <summary>Who reads through this fan-out now: guarded by the feeds' _fanning lock.</summary>
        public List<Subscription> Members { get; } = [];

        /// <summary>The newest sequence this fan-out has read (and is delivering or has delivered): guarded by _fanning.</summary>
        public long Position { get; private set; } = position;

        public void Start() => _ = Task.Run(PumpAsync);

        public void Stop() => _stop.Cancel();

        private async Task PumpAsync()
        {
            Subscription[] members = [];
            try
            {
                while (true)
                {
                    var batch = await Journal.ReadAsync(Position, BatchSize, _stop.Token);
                    lock (feeds._fanning)
                    {
                        members = [.. Members];
                        if (batch.Events.Count > 0)
                        {
                            Position = batch.Events[^1].Sequence;
                        }
                    }

                    if (batch.Ended is { } reason)
                    {
                        foreach (var member in feeds.Disband(this))
                        {
                            member.OldestKept = batch.OldestSequenceKept;
                            member.Finish(reason);
                        }

                        return;
                    }

                    foreach (var member in members)
                    {
                        member.OldestKept = batch.OldestSequenceKept;
                    }

                    foreach (var e in batch.Events)
                    {
                        Deliver(e, members);
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                feeds._log.LogInformation(ex, "Push for sandbox {SandboxId} stopped after sequence {Sequence}", members.FirstOrDefault()?.SandboxId, Position);
                foreach (var member in feeds.Disband(this))
                {
                    feeds.Unfollow(member.ConnectionId, member.SandboxId);
                }
            }
        }

        /// <summary>One event to each member still reading through this fan-out: serialized at most once.</summary>
        private void Deliver(NdisEventMessage e, Subscription[] members)
        {
            var name = NameOf(e);
            SerializedHubMessage? message = null;
            foreach (var member in members)
            {
                if (member.Fanout != this || e.Sequence <= member.Read)
                {
                    continue;
                }

                if (e.Sequence != member.Read + 1)
                {
                    // The journal moved on by more than it keeps while this fan-out was not reading.
                    member.Finish("JournalOverrun");
                    continue;
                }

                if (!member.Follows(name))
                {
                    member.Read = e.Sequence;
                    continue;
                }

                message ??= Invocation(e.Name, e);
                var write = feeds._connections.WriteAsync(member.ConnectionId, message);
                member.Read = e.Sequence;
                if (write.IsCompletedSuccessfully)
                {
                    member.Delivered(e.Sequence);
                }
                else
                {
                    feeds.Leave(member);
                    member.ReadAlone(write.AsTask(), e.Sequence);
                }
            }
        }
    }

    private sealed class Subscription(EventFeeds feeds, string connectionId, string sandboxId, IJournalSource journal, long afterSequence, IReadOnlySet<EventName>? eventNames)
        : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Fanout? _fanout;
        private long _delivered = afterSequence;

        public string ConnectionId { get; } = connectionId;

        public string SandboxId { get; } = sandboxId;

        public IJournalSource Journal { get; } = journal;

        /// <summary>
        /// The last event read from the journal, delivered or (not named by the subscriber) skipped: the journal is read on
        /// from it, so skipped events never count as a gap. Written only by whoever delivers to the subscription now: its
        /// own reader, or its fan-out.
        /// </summary>
        public long Read { get; set; } = afterSequence;

        public long OldestKept { get; set; } = 1;

        public bool Stopped => _stop.IsCancellationRequested;

        /// <summary>The fan-out delivering to this subscription, or null while it reads by itself.</summary>
        public Fanout? Fanout => Volatile.Read(ref _fanout);

        public void JoinedTo(Fanout? fanout) => Volatile.Write(ref _fanout, fanout);

        public bool Follows(EventName name) => eventNames is null || eventNames.Contains(name);

        public void Delivered(long sequence)
        {
            _delivered = sequence;
            Interlocked.Increment(ref feeds._pushed);
        }

        /// <summary>
        /// Joins its journal's fan-out at once when it starts where that stands (so subscribers following from the same
        /// sequence share one reader from their first event), and otherwise reads by itself until it has caught up.
        /// </summary>
        public void Start()
        {
            if (!feeds.TryJoin(this))
            {
                ReadAlone(null, 0);
            }
        }

        /// <summary>Reads by itself, once the write its fan-out left pending (if any) is done.</summary>
        public void ReadAlone(Task? pending, long pendingSequence) => _ = Task.Run(() => PumpAsync(pending, pendingSequence));

        public void Dispose()
        {
            _stop.Cancel();
            feeds.Leave(this);
        }

        /// <summary>Stops after telling the subscriber why.</summary>
        public void End(string reason)
        {
            Dispose();
            _ = NotifyEndedAsync(reason);
        }

        /// <summary>Ends the subscription from its reader's side: it is no longer followed, and the subscriber is told why.</summary>
        public void Finish(string reason)
        {
            feeds._subscriptions.TryRemove(new KeyValuePair<(string, string), Subscription>((ConnectionId, SandboxId), this));
            End(reason);
        }

        private async Task PumpAsync(Task? pending, long pendingSequence)
        {
            try
            {
                if (pending is not null)
                {
                    await pending.WaitAsync(_stop.Token);
                    Delivered(pendingSequence);
                }

                while (!feeds.TryJoin(this))
                {
                    // Behind the fan-out: waits in the journal's host until there is an event after the last one read.
                    var batch = await Journal.ReadAsync(Read, BatchSize, _stop.Token);
                    OldestKept = batch.OldestSequenceKept;
                    if (batch.Ended is { } reason)
                    {
                        Finish(reason);
                        return;
                    }

                    if (batch.Events.Count == 0)
                    {
                        continue;
                    }

                    if (batch.Events[0].Sequence != Read + 1)
                    {
                        Finish("JournalOverrun");
                        return;
                    }

                    foreach (var e in batch.Events)
                    {
                        if (Follows(NameOf(e)))
                        {
                            await feeds._connections.WriteAsync(ConnectionId, Invocation(e.Name, e)).AsTask().WaitAsync(_stop.Token);
                            Delivered(e.Sequence);
                        }

                        Read = e.Sequence;
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                // A connection that broke mid-send: the client reconnects and resubscribes from its last sequence.
                feeds._log.LogInformation(ex, "Push to {ConnectionId} for sandbox {SandboxId} stopped after sequence {Sequence}", ConnectionId, SandboxId, _delivered);
                feeds.Unfollow(ConnectionId, SandboxId);
            }
        }

        private async Task NotifyEndedAsync(string reason)
        {
            try
            {
                await feeds._connections.WriteAsync(ConnectionId,
                    Invocation(nameof(INdisClient.SubscriptionEnded), new SubscriptionEndedMessage(SandboxId, reason, _delivered, OldestKept)));
            }
            catch (Exception ex)
            {
                feeds._log.LogInformation(ex, "Could not tell {ConnectionId} that its subscription to {SandboxId} ended", ConnectionId, SandboxId);
            }
        }
    }
}
