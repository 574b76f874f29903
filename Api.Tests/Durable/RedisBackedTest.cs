using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using NdisMock.Api.Tests.RealProcesses;
using NdisMock.Hubs;

namespace NdisMock.Api.Tests.Durable;

/// <summary>
/// A test of NdisMock nodes as processes of their own with one real redis-server (append-only, its own directory and
/// port): every process it starts is stopped by its pid when the test ends, whatever happened.
/// </summary>
public abstract class RedisBackedTest : IAsyncLifetime
{
    private readonly List<NdisMockNode> _nodes = [];

    protected RedisServer Redis { get; private set; } = null!;

    public async Task InitializeAsync() => Redis = await RedisServer.StartAsync(appendOnly: true);

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await Redis.DisposeAsync();
    }

    /// <summary>A node on this test's Redis (Storage__Redis), with <paramref name="settings"/> added.</summary>
    protected async Task<NdisMockNode> StartNodeAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>(settings ?? new Dictionary<string, string>()) { ["Storage__Redis"] = Redis.ConnectionString };
        var node = await NdisMockNode.StartAsync(environment);
        lock (_nodes)
        {
            _nodes.Add(node);
        }

        return node;
    }

    /// <summary>A hub connection (WebSockets, NdisMock's JSON) to <paramref name="node"/>, subscribed to the sandbox after <paramref name="after"/>.</summary>
    protected static async Task<HubSubscription> SubscribeAsync(NdisMockNode node, HttpSandbox sandbox, long after)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(node.BaseAddress, "/hubs/ndis"), HttpTransportType.WebSockets)
            .AddJsonProtocol(options => Json.Configure(options.PayloadSerializerOptions))
            .Build();
        var sink = new EventSink(connection);
        await connection.StartAsync();
        await connection.InvokeAsync<SubscriptionInfo>("Subscribe", sandbox.Id, sandbox.Key, after);
        return new HubSubscription(connection, sink);
    }

    protected sealed record HubSubscription(HubConnection Connection, EventSink Sink) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }
}
