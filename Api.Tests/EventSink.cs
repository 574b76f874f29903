using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using NdisMock.Hubs;

namespace NdisMock.Api.Tests;

/// <summary>
/// Captures everything a hub connection receives into a channel, so a test awaits it with a timeout in its own body
/// (never asserting inside a handler, where a missing message would pass silently).
/// </summary>
public sealed class EventSink
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly Channel<(string Method, NdisEventMessage Event)> _events = Channel.CreateUnbounded<(string, NdisEventMessage)>();
    private readonly Channel<SubscriptionEndedMessage> _ended = Channel.CreateUnbounded<SubscriptionEndedMessage>();

    public EventSink(HubConnection connection)
    {
        foreach (var method in typeof(INdisClient).GetMethods().Where(m => m.Name != nameof(INdisClient.SubscriptionEnded)))
        {
            var name = method.Name;
            connection.On<NdisEventMessage>(name, e => _events.Writer.TryWrite((name, e)));
        }

        connection.On<SubscriptionEndedMessage>(nameof(INdisClient.SubscriptionEnded), m => _ended.Writer.TryWrite(m));
    }

    /// <summary>The next <paramref name="count"/> events, in the order received.</summary>
    public async Task<List<(string Method, NdisEventMessage Event)>> TakeAsync(int count)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var taken = new List<(string, NdisEventMessage)>(count);
        while (taken.Count < count)
        {
            taken.Add(await _events.Reader.ReadAsync(timeout.Token));
        }

        return taken;
    }

    /// <summary>Events up to and including the first one named <paramref name="name"/>.</summary>
    public async Task<List<(string Method, NdisEventMessage Event)>> TakeThroughAsync(string name)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var taken = new List<(string Method, NdisEventMessage Event)>();
        do
        {
            taken.Add(await _events.Reader.ReadAsync(timeout.Token));
        }
        while (taken[^1].Event.Name != name);

        return taken;
    }

    public async Task<SubscriptionEndedMessage> EndedAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await _ended.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Whatever has arrived and not been taken yet, without waiting.</summary>
    public List<(string Method, NdisEventMessage Event)> Drain()
    {
        var rest = new List<(string, NdisEventMessage)>();
        while (_events.Reader.TryRead(out var item))
        {
            rest.Add(item);
        }

        return rest;
    }
}
