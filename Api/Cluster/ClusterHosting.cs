using Microsoft.Extensions.Diagnostics.HealthChecks;
using NdisMock.Api.Durability;
using NdisMock.Hubs;
using Orleans.Configuration;

namespace NdisMock.Api.Cluster;

/// <summary>The cluster host: an Orleans silo in every node, its membership in Redis, one grain per sandbox.</summary>
internal static class ClusterHosting
{
    /// <summary>
    /// A grain call's time limit: above the longest long-poll (GetEvents waits up to 30 s), since a forwarded request
    /// waits in the grain. A lost node fails its calls sooner: they end when the node is declared dead.
    /// </summary>
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(45);

    public static void AddNdisCluster(this WebApplicationBuilder builder, StorageOptions storage, ClusterSettings cluster, TimeSpan sandboxTimeToLive)
    {
        if (!storage.IsDurable)
        {
            throw new InvalidOperationException("Cluster__Enabled needs Storage__Redis: the nodes keep the sandboxes and find each other in Redis.");
        }

        builder.UseOrleans(silo =>
        {
            silo.UseRedisClustering(storage.Redis!);
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = cluster.ClusterId;
                options.ServiceId = storage.KeyPrefix;
            });
            silo.Configure<EndpointOptions>(options =>
            {
                options.AdvertisedIPAddress = cluster.Advertised();
                options.SiloPort = cluster.SiloPort;
                options.GatewayPort = cluster.GatewayPort;
            });

            // A node killed outright is declared dead in well under a second (its connections reset), a frozen one in
            // about one and a half: a sandbox is back on a live node that soon. Orleans' defaults take 10 s or more,
            // and a cluster restarted on new addresses waited ~100 s on the dead entries.
            silo.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = TimeSpan.FromMilliseconds(500);
                options.MaxProbeTimeout = TimeSpan.FromMilliseconds(500);
                options.NumMissedProbesLimit = 2;
                options.NumVotesForDeathDeclaration = 1;
                options.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(10);
                options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
                options.NumMissedTableIAmAliveLimit = 2;
                options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                options.DefunctSiloExpiration = TimeSpan.FromMinutes(1);
                options.DefunctSiloCleanupPeriod = TimeSpan.FromMinutes(1);
            });
            silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = CallLimit);

            // A grain lives as long as its sandbox would: one unused for its time to live expires anyway.
            silo.Configure<GrainCollectionOptions>(options => options.CollectionAge = sandboxTimeToLive + TimeSpan.FromMinutes(1));
        });
        builder.Services.AddSingleton<ClusterForwarding>();
        builder.Services.AddSingleton<ISandboxDirectory, ClusterDirectory>();
        builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);

        // Orleans tells every probe and reconnection during a failover; the operator's log keeps its warnings and errors.
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
    }
}

/// <summary>Ready once this node's silo is an active member; the members for the operator.</summary>
internal sealed class ClusterHealthCheck(IClusterMembershipService membership, ILocalSiloDetails local) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var members = membership.CurrentSnapshot.Members.Values;
        var active = members.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.Endpoint.ToString()).Order(StringComparer.Ordinal).ToArray();
        var self = members.FirstOrDefault(m => m.SiloAddress.Equals(local.SiloAddress))?.Status ?? SiloStatus.None;
        var data = new Dictionary<string, object> { ["self"] = local.SiloAddress.Endpoint.ToString(), ["activeMembers"] = active };
        return Task.FromResult(self == SiloStatus.Active
            ? HealthCheckResult.Healthy($"Member of a cluster of {active.Length} active node(s).", data)
            : HealthCheckResult.Unhealthy($"Not an active member yet (status {self}).", data: data));
    }
}
