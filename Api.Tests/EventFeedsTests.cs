using System.Reflection;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using NdisMock.Domain;
using NdisMock.Hubs;

namespace NdisMock.Api.Tests;

/// <summary>
/// The feeds against a hub context whose sends can be held, so that a slow subscriber is made slow on purpose rather than
/// by timing: it must not hold up the request path or other subscribers, and must be told when it falls behind.
/// </summary>
public sealed class EventFeedsTests
{
    [Fact]
    public async Task AStuckSubscriber_DelaysNeitherTheSandboxNorAnotherSubscriber()
    {
        var hub = new FakeHub();
        using var feeds = new EventFeeds(hub, NullLogger<EventFeeds>.Instance, Microsoft.Extensions.Options.Options.Create(new EventFeedsOptions()));
        var sandbox = new Sandbox(new SandboxOptions());
        hub.Hold("stuck");

        feeds.Follow("stuck", "s", sandbox, 0);
        feeds.Follow("free", "s", sandbox, 0);
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
        var hub = new FakeHub();
        using var feeds = new EventFeeds(hub, NullLogger<EventFeeds>.Instance, Microsoft.Extensions.Options.Options.Create(new EventFeedsOptions()));
        var sandbox = new Sandbox(new SandboxOptions { JournalCapacity = 16 });
        hub.Hold("slow");
        feeds.Follow("slow", "s", sandbox, 0);

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
        Assert.Equal(sandbox.OldestEventKept, ended.OldestSequenceKept);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events);
        Assert.Equal(events.Count == 0 ? 0 : events[^1], ended.LastDeliveredSequence);
        Assert.True(ended.LastDeliveredSequence + 1 < ended.OldestSequenceKept);
    }

    [Fact]
    public async Task AFilteredSubscriberFallingBehindTheJournal_IsToldSo_AndWasSentOnlyWhatItNamed()
    {
        var hub = new FakeHub();
        using var feeds = new EventFeeds(hub, NullLogger<EventFeeds>.Instance, Microsoft.Extensions.Options.Options.Create(new EventFeedsOptions()));
        var sandbox = new Sandbox(new SandboxOptions { JournalCapacity = 16 });
        HashSet<EventName> names = [EventName.ProtocolCoAfRegisterNotify, EventName.NdisCoCreateVc];
        hub.Hold("slow");

        // The sandbox's own registrations include a named event, so the pump is held on it while the journal moves on.
        feeds.Follow("slow", "s", sandbox, 0, names);
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
        Assert.Equal(sandbox.OldestEventKept, ended.OldestSequenceKept);
    }

    /// <summary>A hub context recording each client's calls; sends to a held client wait until it is released.</summary>
    private sealed class FakeHub : IHubContext<NdisHub, INdisClient>, IHubClients<INdisClient>
    {
        private readonly Dictionary<string, Channel<(string Method, object Argument)>> _received = [];
        private readonly Dictionary<string, TaskCompletionSource> _gates = [];
        private readonly Lock _lock = new();

        public IHubClients<INdisClient> Clients => this;

        public IGroupManager Groups => throw new NotSupportedException();

        public INdisClient All => throw new NotSupportedException();

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

        public List<(string Method, object Argument)> Received(string connectionId)
        {
            var list = new List<(string, object)>();
            while (Channel(connectionId).Reader.TryRead(out var item))
            {
                list.Add(item);
            }

            return list;
        }

        public async Task<List<(string Method, object Argument)>> TakeAsync(string connectionId, int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var list = new List<(string Method, object Argument)>();
            while (list.Count < count)
            {
                list.Add(await Channel(connectionId).Reader.ReadAsync(timeout.Token));
            }

            return list;
        }

        public async Task<List<(string Method, object Argument)>> TakeThroughAsync(string connectionId, string method)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var list = new List<(string Method, object Argument)>();
            do
            {
                list.Add(await Channel(connectionId).Reader.ReadAsync(timeout.Token));
            }
            while (list[^1].Method != method);

            return list;
        }

        public INdisClient Client(string connectionId)
        {
            var proxy = DispatchProxy.Create<INdisClient, ClientProxy>();
            ((ClientProxy)(object)proxy).Send = async (method, argument) =>
            {
                Task gate;
                lock (_lock)
                {
                    gate = _gates.TryGetValue(connectionId, out var g) ? g.Task : Task.CompletedTask;
                }

                await gate;
                Channel(connectionId).Writer.TryWrite((method, argument));
            };
            return proxy;
        }

        public INdisClient AllExcept(IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        INdisClient IHubClients<INdisClient>.Clients(IReadOnlyList<string> connectionIds) => throw new NotSupportedException();

        public INdisClient Group(string groupName) => throw new NotSupportedException();

        public INdisClient GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        INdisClient IHubClients<INdisClient>.Groups(IReadOnlyList<string> groupNames) => throw new NotSupportedException();

        public INdisClient User(string userId) => throw new NotSupportedException();

        public INdisClient Users(IReadOnlyList<string> userIds) => throw new NotSupportedException();

        private Channel<(string Method, object Argument)> Channel(string connectionId)
        {
            lock (_lock)
            {
                if (!_received.TryGetValue(connectionId, out var channel))
                {
                    _received[connectionId] = channel = System.Threading.Channels.Channel.CreateUnbounded<(string, object)>();
                }

                return channel;
            }
        }
    }

    public class ClientProxy : DispatchProxy
    {
        internal Func<string, object, Task> Send { get; set; } = (_, _) => Task.CompletedTask;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => Send(targetMethod!.Name, args![0]!);
    }
}
