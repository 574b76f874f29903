using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace NdisMock.Hubs;

/// <summary>Where the event feeds write: a hub connection by its id.</summary>
public interface IHubConnections
{
    /// <summary>
    /// Writes a message, already serialized (once per hub protocol, however many connections it goes to), to the
    /// connection; nothing when it has gone. Completes synchronously unless the connection pushes back (its client reads
    /// more slowly than it is written to) or another write to it is under way.
    /// </summary>
    ValueTask WriteAsync(string connectionId, SerializedHubMessage message);
}

/// <summary>
/// SignalR's own lifetime manager for the hub, which also keeps each connection by id, so that the feeds can write one
/// serialized event to many connections and see which of them take it at once.
/// </summary>
public sealed class NdisHubConnections(ILogger<DefaultHubLifetimeManager<NdisHub>> log) : DefaultHubLifetimeManager<NdisHub>(log), IHubConnections
{
    private readonly ConcurrentDictionary<string, HubConnectionContext> _connections = new(StringComparer.Ordinal);

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connections[connection.ConnectionId] = connection;
        return base.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connections.TryRemove(connection.ConnectionId, out _);
        return base.OnDisconnectedAsync(connection);
    }

    public ValueTask WriteAsync(string connectionId, SerializedHubMessage message) =>
        _connections.TryGetValue(connectionId, out var connection) ? connection.WriteAsync(message) : default;
}
