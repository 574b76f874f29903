using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace NdisMock.Api.Cluster;

/// <summary>
/// Section <c>Cluster</c>: with <see cref="Enabled"/>, every node co-hosts an Orleans silo, each sandbox lives in one
/// grain on one node, and the nodes find each other through the Redis of Storage__Redis.
/// </summary>
internal sealed class ClusterSettings
{
    public const string Section = "Cluster";

    public bool Enabled { get; set; }

    /// <summary>The cluster's name in Redis: nodes with the same one form one cluster.</summary>
    public string ClusterId { get; set; } = "ndismock";

    /// <summary>The port the silo listens on for the other nodes.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port for external Orleans clients; 0 (the default): none, since only the nodes themselves call grains.</summary>
    public int GatewayPort { get; set; }

    /// <summary>The address the other nodes reach this one at; unset: this host's first IPv4 address that is not loopback.</summary>
    public string? AdvertisedAddress { get; set; }

    public IPAddress Advertised() =>
        AdvertisedAddress is { Length: > 0 } configured ? IPAddress.Parse(configured)
        : NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? IPAddress.Loopback;
}
