using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using NdisMock.Domain;
using NdisMock.Hubs;

namespace NdisMock.Api.Tests;

/// <summary>
/// The feeds (through one journal object per sandbox, as a host keeps it) against hub connections whose writes can be held, so that a slow subscriber is made slow on purpose rather
/// than by timing: it must not hold up the request path or other subscribers, and must be told when it falls behind.
/// </summary>
public sealed class EventFeedsTests
{
    [Fact]
    public async Task AStuckSubscriber_DelaysNeitherTheSandboxNorAnotherSubscriber()
    {
        var hub = new FakeConnections();
        using var feeds = Feeds(hub);
        var sandbox = new Sandbox(new SandboxOptions());
        var journal = new SandboxJournal(sandbox, "s");
        hub.Hold("stuck");

        feeds.Follow("stuck", "s", journal, 0);
        feeds.Follow("free", "s", journal, 0);
        var af = sandbox.NdisClOpenAddressFamilyEx(CoAddressFamily.Q2931, "c").NdisAfHandle!;
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(NdisStatuses.Success, sandbox.NdisCoCreateVc(af, $"v{i}").Status);
        }

        var delivered = await hub.TakeAsync("free", (int)sandbox.LastSequence);
        Assert.Equal(Enumerable.Range(1, (int)sandbox.LastSequence).Select(i => (long)i), delivered.Select(d => ((NdisEventMessage)d.Argument).Sequence));
        Assert.Empty(hub.Received("stuck"));

        hub.Release("stuck");
        var late = await hub.TakeAsync("stuck", (int)sandbox.LastSequence);
        Assert.Equal(delivered.Select(d => ((NdisEventMessage)d.Argument).Sequence), late.Select(d => ((NdisEventMessage)d.Argument).Sequence));
    }

    [Fact]
    public async Task ASubscriberFallingBehindTheJournal_IsToldSo_NeverSilentlySkipped()
    {
        var hub = new FakeConnections();
        using var feeds = Feeds(hub);
        var sandbox = new Sandbox(new SandboxOptions { JournalCapacity = 16 });
        var journal = new SandboxJournal(sandbox, "s");
        hub.Hold("slow");
        feeds.Follow("slow", "s", journal, 0);

        var af = sandbox.NdisClOpenAddressFamilyEx(CoAddressFamily.Q2931, "c").NdisAfHandle!;
        for (var i = 0; i < 20; i++)
        {
            sandbox.NdisCoCreateVc(af, $"v{i}");
        }

        hub.Release("slow");
        var received = await hub.TakeThroughAsync("slow", nameof(INdisClient.SubscriptionEnded));

        var ended = (SubscriptionEndedMessage)received[^1].Argument;
        var events = received.SkipLast(1).Select(r => ((NdisEventMessage)r.Argument).Sequence).ToList();
        Assert.Equal("JournalOverrun", ended.Reason);
        // The oldest event kept when the gap was found: the reader may find it before the appends are over.
        Assert.InRange(ended.OldestSequenceKept, 2, sandbox.OldestEventKept);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events);
        Assert.Equal(events.Count == 0 ? 0 : events[^1], ended.LastDeliveredSequence);
        Assert.True(ended.LastDeliveredSequence + 1 < ended.OldestSequenceKept);
    }

    [Fact]
    public async Task AFilteredSubscriberFallingBehindTheJournal_IsToldSo_AndWasSentOnlyWhatItNamed()
    {
        var hub = new FakeConnections();
        using var feeds = Feeds(hub);
        var sandbox = new Sandbox(new SandboxOptions { JournalCapacity = 16 });
        var journal = new SandboxJournal(sandbox, "s");
        HashSet<EventName> names = [EventName.ProtocolCoAfRegisterNotify, EventName.NdisCoCreateVc];
        hub.Hold("slow");

        // The sandbox's own registrations include a named event, so the pump is held on it while the journal moves on.
        feeds.Follow("slow", "s", journal, 0, names);
        var af = sandbox.NdisClOpenAddressFamilyEx(CoAddressFamily.Q2931, "c").NdisAfHandle!;
        for (var i = 0; i < 20; i++)
        {
            sandbox.NdisCoCreateVc(af, $"v{i}");
        }

        hub.Release("slow");
        var received = await hub.TakeThroughAsync("slow", nameof(INdisClient.SubscriptionEnded));

        var ended = (SubscriptionEndedMessage)received[^1].Argument;
        var events = received.SkipLast(1).Select(r => (NdisEventMessage)r.Argument).ToList();
        Assert.Equal("JournalOverrun", ended.Reason);
        Assert.All(events, e => Assert.Contains(Enum.Parse<EventName>(e.Name), names));
        Assert.Equal(events.Select(e => e.Sequence).Order(), events.Select(e => e.Sequence));
        Assert.Equal(events.Count == 0 ? 0 : events[^1].Sequence, ended.LastDeliveredSequence);
        Assert.InRange(ended.OldestSequenceKept, 2, sandbox.OldestEventKept);
        Assert.True(ended.LastDeliveredSequence + 1 < ended.OldestSequenceKept);
    }

    [Fact]
    public async Task CaughtUpSubscribers_AreSentEachEventSerializedOnce()
    {
        var hub = new FakeConnections();
        using var feeds = Feeds(hub);
        var sandbox = new Sandbox(new SandboxOptions());
        var journal = new SandboxJournal(sandbox, "s");
        var subscribers = Enumerable.Range(0, 10).Select(i => $"c{i}").ToList();
        var before = sandbox.LastSequence;
        foreach (var connection in subscribers)
        {
            feeds.Follow(connection, "s", journal, before);
        }

        var af = sandbox.NdisClOpenAddressFamilyEx(CoAddressFamily.Q2931, "c").NdisAfHandle!;
        sandbox.NdisCoCreateVc(af, "v");
        var count = (int)(sandbox.LastSequence - before);

        var received = await Task.WhenAll(subscribers.Select(c => hub.TakeAsync(c, count)));
        for (var i = 0; i < count; i++)
        {
            // One message object per event for every subscriber: SignalR serializes it once per protocol, not per connection.
            Assert.Single(received.Select(r => r[i].Message).Distinct());
        }
    }

    [Fact]
    public async Task AStuckSubscriber_OnceCaughtUp_IsSentTheSameSerializedEventsAsTheOthersAgain()
    {
        var hub = new FakeConnections();
        using var feeds = Feeds(hub);
        var sandbox = new Sandbox(new SandboxOptions());
        var journal = new SandboxJournal(sandbox, "s");
        var af = sandbox.NdisClOpenAddressFamilyEx(CoAddressFamily.Q2931, "c").NdisAfHandle!;
        var before = sandbox.LastSequence;
        feeds.Follow("free", "s", journal, before);
        feeds.Follow("stuck", "s", journal, before);
        hub.Hold("stuck");
        for (var i = 0; i < 50; i++)
        {
            sandbox.NdisCoCreateVc(af, $"v{i}");
        }

        var behind = (int)(sandbox.LastSequence - before);
        await hub.TakeAsync("free", behind);
        hub.Release("stuck");
        Assert.Equal(Enumerable.Range((int)before + 1, behind).Select(i => (long)i), (await hub.TakeAsync("stuck", behind)).Select(r => ((NdisEventMessage)r.Argument).Sequence));

        // It reads by itself until it has caught up, then through the shared reader again: the same message objects.
        for (var i = 0; i < 100; i++)
        {
            sandbox.NdisCoCreateVc(af, $"w{i}");
            var free = await hub.TakeAsync("free", 2);
            var stuck = await hub.TakeAsync("stuck", 2);
            Assert.Equal(free.Select(r => ((NdisEventMessage)r.Argument).Sequence), stuck.Select(r => ((NdisEventMessage)r.Argument).Sequence));
            if (free.Select(r => r.Message).SequenceEqual(stuck.Select(r => r.Message)))
            {
                return;
            }
        }

        Assert.Fail("The subscriber that was stuck never rejoined the shared reader.");
    }

    private static EventFeeds Feeds(FakeConnections hub) =>
        new(hub, NullLogger<EventFeeds>.Instance, Microsoft.Extensions.Options.Options.Create(new EventFeedsOptions()));

    /// <summary>Hub connections recording what is written to each; writes to a held connection wait until it is released.</summary>
    private sealed class FakeConnections : IHubConnections
    {
        private readonly Dictionary<string, Channel<(string Method, object Argument, SerializedHubMessage Message)>> _received = [];
        private readonly Dictionary<string, TaskCompletionSource> _gates = [];
        private readonly Lock _lock = new();

        public void Hold(string connectionId)
        {
            lock (_lock)
            {
                _gates[connectionId] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        public void Release(string connectionId)
        {
            lock (_lock)
            {
                _gates[connectionId].TrySetResult();
            }
        }

        public List<(string Method, object Argument, SerializedHubMessage Message)> Received(string connectionId)
        {
            var list = new List<(string, object, SerializedHubMessage)>();
            while (Channel(connectionId).Reader.TryRead(out var item))
            {
                list.Add(item);
            }

            return list;
        }

        public async Task<List<(string Method, object Argument, SerializedHubMessage Message)>> TakeAsync(string connectionId, int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var list = new List<(string Method, object Argument, SerializedHubMessage Message)>();
            while (list.Count < count)
            {
                list.Add(await Channel(connectionId).Reader.ReadAsync(timeout.Token));
            }

            return list;
        }

        public async Task<List<(string Method, object Argument, SerializedHubMessage Message)>> TakeThroughAsync(string connectionId, string method)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var list = new List<(string Method, object Argument, SerializedHubMessage Message)>();
            do
            {
                list.Add(await Channel(connectionId).Reader.ReadAsync(timeout.Token));
            }
            while (list[^1].Method != method);

            return list;
        }

        public ValueTask WriteAsync(string connectionId, SerializedHubMessage message)
        {
            Task gate;
            lock (_lock)
            {
                gate = _gates.TryGetValue(connectionId, out var g) ? g.Task : Task.CompletedTask;
            }

            if (gate.IsCompleted)
            {
                Record(connectionId, message);
                return default;
            }

            return new ValueTask(RecordAfterAsync(gate, connectionId, message));
        }

        private async Task RecordAfterAsync(Task gate, string connectionId, SerializedHubMessage message)
        {
            await gate;
            Record(connectionId, message);
        }

        private void Record(string connectionId, SerializedHubMessage message)
        {
            var invocation = (InvocationMessage)message.Message!;
            Channel(connectionId).Writer.TryWrite((invocation.Target, invocation.Arguments[0]!, message));
        }

        private Channel<(string Method, object Argument, SerializedHubMessage Message)> Channel(string connectionId)
        {
            lock (_lock)
            {
                if (!_received.TryGetValue(connectionId, out var channel))
                {
                    _received[connectionId] = channel = System.Threading.Channels.Channel.CreateUnbounded<(string, object, SerializedHubMessage)>();
                }

                return channel;
            }
        }
    }
}
