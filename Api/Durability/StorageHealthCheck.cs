using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace NdisMock.Api.Durability;

/// <summary>Ready only while Redis answers: without it no operation can be made durable, so a load balancer should send none.</summary>
internal sealed class StorageHealthCheck(SandboxLog log) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["kind"] = "redis" };
        try
        {
            var latency = await log.PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            data["pingMilliseconds"] = Math.Round(latency.TotalMilliseconds, 2);
            return HealthCheckResult.Healthy("Redis answers: every accepted operation is durable before its answer.", data);
        }
#pragma warning disable CA1031 // Whatever Redis throws, the node is not ready.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy("Redis does not answer: operations on sandboxes answer 503 until it does.", e, data);
        }
    }
}
