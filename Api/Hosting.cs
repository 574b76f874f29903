using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using NdisMock.Api.Sandboxes;
using NdisMock.Hubs;

namespace NdisMock.Api;

/// <summary>What a shared instance needs besides the NDIS model: limits, health, metrics.</summary>
internal static class Hosting
{
    /// <summary>Bodies larger than the limit answer 413 before anything reads them.</summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app)
    {
        var max = app.ApplicationServices.GetRequiredService<IOptions<SandboxHostingOptions>>().Value.MaxRequestBodySize;
        return app.Use(async (http, next) =>
        {
            if (http.Request.ContentLength > max)
            {
                await ProblemCatalogue.BodyTooLarge(http.Request.ContentLength.Value, max).ExecuteAsync(http);
                return;
            }

            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = max;
            }

            await next(http);
        });
    }

    /// <summary>
    /// Refuses a path segment that decodes to "." or "..": it is resolved away before routing, so
    /// <c>DELETE …/routes/%2e%2e</c> reached DeleteSandbox. (A body framed by both Content-Length and Transfer-Encoding
    /// never gets here: Kestrel drops the Content-Length, reads the chunks and closes the connection, RFC 9112 §6.1.)
    /// </summary>
    public static IApplicationBuilder UseRequestHygiene(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        if (HasDotSegment(raw))
        {
            await ProblemCatalogue.DotSegmentInPath().ExecuteAsync(http);
            return;
        }

        await next(http);
    });

    internal static bool HasDotSegment(string rawTarget)
    {
        var path = rawTarget.AsSpan();
        var query = path.IndexOfAny('?', '#');
        if (query >= 0)
        {
            path = path[..query];
        }

        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment.Length is > 0 and <= 6 && Uri.UnescapeDataString(segment.ToString()) is "." or "..")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>/health answers while the process serves; /health/ready once the sandbox store is up, with its load.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealth });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = WriteHealth });
        return app;
    }

    /// <summary>The health report; the load (how many sandboxes) only for the operator's key, not for anyone who asks.</summary>
    private static Task WriteHealth(HttpContext http, HealthReport report)
    {
        var store = http.RequestServices.GetRequiredService<SandboxStore>();
        var operatorAsks = store.OperatorKeyMatches(http.Request.Headers[SandboxAccess.OperatorHeader]);
        return http.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                e.Value.Description,
                Data = operatorAsks ? e.Value.Data : null,
            }),
        });
    }
}

/// <summary>Ready when the store is serving; degraded (still answering) when it holds its maximum of sandboxes.</summary>
internal sealed class SandboxStoreHealthCheck(SandboxStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["sandboxes"] = store.Count, ["maxSandboxes"] = store.Limits.MaxSandboxes };
        return Task.FromResult(store.Count < store.Limits.MaxSandboxes
            ? HealthCheckResult.Healthy("Accepting sandboxes.", data)
            : HealthCheckResult.Degraded("At the sandbox limit; new sandboxes are refused until some are deleted or expire.", data: data));
    }
}

/// <summary>NdisMock's own metrics (meter <c>NdisMock</c>), exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.</summary>
internal sealed class NdisMetrics
{
    public const string MeterName = "NdisMock";
    private readonly Counter<long> _requests;

    public NdisMetrics(IMeterFactory meters, SandboxStore store, IEventFeeds feeds)
    {
        var meter = meters.Create(MeterName);
        _requests = meter.CreateCounter<long>("ndismock.requests", "{request}", "Requests answered, by operation and HTTP status.");
        meter.CreateObservableGauge("ndismock.sandboxes.active", () => store.Count, "{sandbox}", "Sandboxes hosted now.");
        meter.CreateObservableGauge("ndismock.pending_operations", () => store.All.Sum(e => e.Sandbox.Counters.PendingOperations), "{operation}", "Pended requests waiting for completion, over all sandboxes.");
        meter.CreateObservableCounter("ndismock.events.pushed", () => feeds.EventsPushed, "{event}", "Journal events pushed to hub subscribers.");
    }

    /// <summary>Counts each answered request under its operationId.</summary>
    public IApplicationBuilder Count(IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        await next(http);
        var operation = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "other";
        _requests.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("status", http.Response.StatusCode));
    });
}
