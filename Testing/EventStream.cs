using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using NdisMock.Client;

namespace NdisMock.Testing;

/// <summary>
/// One journal event as the hub pushes it (and GetEvents returns it): the generated contract type, so the fields are
/// those of the OpenAPI document. Each event name has its own subclass (<see cref="ProtocolClCloseCallComplete"/>, …).
/// </summary>
public abstract class NdisEvent : NdisEventMessage
{
    public override string ToString() => Format(this);

    /// <summary>One line for a failure message: sequence, name, status and what correlates it.</summary>
    internal static string Format(NdisEventMessage e) =>
        $"#{e.Sequence} {e.Name}{(e.Status is { } s ? " " + s : "")}" +
        (e.ProtocolVcContext is null ? "" : $" protocolVcContext={e.ProtocolVcContext}") +
        (e.NdisVcHandle is null ? "" : $" ndisVcHandle={e.NdisVcHandle}") +
        (e.PendingOperationId is null ? "" : $" pendingOperationId={e.PendingOperationId}");
}

/// <summary>
/// The sandbox's events over SignalR, from sequence 0: every one is kept in arrival order, none is missed or repeated
/// (after a reconnect it resubscribes from the last sequence it saw). One Subscribe replays a bounded backlog
/// (Sandboxes__MaxReplayPerSubscribe), so before each Subscribe the stream reads what it has not seen page by page with
/// GetEvents. Waits are answered from what already arrived first.
/// </summary>
public sealed class EventStream : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly HubConnection _hub;
    private readonly HttpClient _http;
    private readonly string _sandboxId;
    private readonly string _key;
    private readonly List<NdisEvent> _received = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _last;
    private string? _ended;

    private EventStream(HubConnection hub, Uri url, string sandboxId, string key)
    {
        _hub = hub;
        _http = new HttpClient { BaseAddress = url };
        _http.DefaultRequestHeaders.Add("X-Sandbox-Key", key);
        _sandboxId = sandboxId;
        _key = key;
    }

    /// <summary>How long a wait lasts when none is given.</summary>
    public static TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Every event received so far, in journal order.</summary>
    public IReadOnlyList<NdisEvent> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    internal static async Task<EventStream> OpenAsync(Uri url, string sandboxId, string key, CancellationToken cancellationToken)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(url, "hubs/ndis"), options => options.Transports = HttpTransportType.WebSockets)
            .AddJsonProtocol(options =>
            {
                options.PayloadSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
                options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter());
            })
            .WithAutomaticReconnect()
            .Build();
        var stream = new EventStream(hub, url, sandboxId, key);
        foreach (var (name, type) in NdisEvents.Types)
        {
            hub.On(name.ToString(), [type], args =>
            {
                stream.Deliver((NdisEvent)args[0]!);
                return Task.CompletedTask;
            });
        }

        hub.On("SubscriptionEnded", [typeof(JsonElement)], args =>
        {
            stream.End(args[0] is JsonElement e && e.TryGetProperty("reason", out var reason) ? reason.ToString() : "ended");
            return Task.CompletedTask;
        });
        hub.Reconnected += async _ =>
        {
            try
            {
                await stream.SubscribeAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is HubException or HttpRequestException or InvalidOperationException)
            {
                stream.End($"resubscribing failed: {e.Message}");
            }
        };
        await hub.StartAsync(cancellationToken);
        await stream.SubscribeAsync(cancellationToken);
        return stream;
    }

    /// <summary>Reads what has not arrived yet over GetEvents, then subscribes after it (a burst in between is read too).</summary>
    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await CatchUpAsync(cancellationToken);
            try
            {
                await _hub.InvokeAsync<JsonElement>("Subscribe", _sandboxId, _key, LastSequence, cancellationToken);
                return;
            }
            catch (HubException e) when (attempt < 5 && e.Message.Contains("MaxReplayPerSubscribe", StringComparison.Ordinal))
            {
                // More events arrived since the last page than one Subscribe replays: read those too.
            }
        }
    }

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var after = LastSequence;
            using var answer = await _http.GetAsync(new Uri($"sandboxes/{Uri.EscapeDataString(_sandboxId)}/events?after={after}&limit=1000", UriKind.Relative), cancellationToken);
            answer.EnsureSuccessStatusCode();
            using var page = await JsonDocument.ParseAsync(await answer.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            var events = page.RootElement.GetProperty("events");
            foreach (var e in events.EnumerateArray())
            {
                var name = Enum.Parse<EventName>(e.GetProperty("name").GetString()!);
                Deliver((NdisEvent)e.Deserialize(NdisEvents.Types[name], Json)!);
            }

            if (events.GetArrayLength() == 0 || LastSequence >= page.RootElement.GetProperty("lastSequence").GetInt64())
            {
                return;
            }
        }
    }

    /// <summary>The last sequence received.</summary>
    public long LastSequence
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>
    /// The first event of type <typeparamref name="TEvent"/> (any event with <see cref="NdisEvent"/>) that matches, among
    /// those already received or arriving within <paramref name="timeout"/>. A timeout fails listing what did arrive.
    /// </summary>
    public async Task<TEvent> WaitForAsync<TEvent>(Func<TEvent, bool>? match = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        where TEvent : NdisEvent
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? DefaultTimeout);
        var seen = 0;
        while (true)
        {
            Task arrived;
            string? ended;
            lock (_gate)
            {
                for (; seen < _received.Count; seen++)
                {
                    if (_received[seen] is TEvent e && (match is null || match(e)))
                    {
                        return e;
                    }
                }

                arrived = _arrived.Task;
                ended = _ended;
            }

            if (ended is not null)
            {
                throw new NdisAssertionException($"The subscription to sandbox {_sandboxId} ended ({ended}) before a matching {typeof(TEvent).Name} arrived. Received:\n{Describe(Received)}");
            }

            try
            {
                await arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"No matching {typeof(TEvent).Name} arrived from sandbox {_sandboxId} within {timeout ?? DefaultTimeout}. Received:\n{Describe(Received)}");
            }
        }
    }

    internal static string Describe(IReadOnlyList<NdisEventMessage> events) =>
        events.Count == 0 ? "  (nothing)" : string.Join("\n", events.Select(e => "  " + NdisEvent.Format(e)));

    private void Deliver(NdisEvent e)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (e.Sequence <= _last)
            {
                return; // already delivered before a reconnect
            }

            _last = e.Sequence;
            _received.Add(e);
            signal = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        signal.TrySetResult();
    }

    private void End(string reason)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            _ended = reason;
            signal = _arrived;
        }

        signal.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        _http.Dispose();
    }
}
