using System.Buffers;
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

    /// <summary>
    /// A request's whole body, read once so that it can be kept or sent on; null when it has none. Reading stops past
    /// <paramref name="max"/> bytes, so an oversized body is told apart without being read whole.
    /// </summary>
    public static async Task<byte[]?> ReadWholeBodyAsync(this HttpRequest request, long max)
    {
        if (request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")))
        {
            return null;
        }

        var aborted = request.HttpContext.RequestAborted;
        if (request.ContentLength is { } length && length <= max)
        {
            // The usual case, on every change a durable or clustered node keeps or sends on: the body read straight into
            // its one array.
            var body = new byte[length];
            var filled = await request.Body.ReadAtLeastAsync(body, body.Length, throwOnEndOfStream: false, aborted);
            return filled == body.Length ? body : body[..filled];
        }

        using var copy = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while (copy.Length <= max && (read = await request.Body.ReadAsync(buffer, aborted)) > 0)
            {
                copy.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return copy.ToArray();
    }

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
            if (segment is "." or "..")
            {
                return true;
            }

            // Only a segment with an escape can unescape to a dot segment: the others are not copied into strings,
            // which every request would pay for each short segment of its path.
            if (segment.Length is > 0 and <= 6 && segment.Contains('%') && Uri.UnescapeDataString(segment.ToString()) is "." or "..")
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

            // How sandboxes are hosted: in-process (in memory), durable (one node, Redis), cluster (Orleans over Redis).
            host = http.RequestServices.GetService<Cluster.ClusterForwarding>() is not null ? "cluster" : store.Durable is not null ? "durable" : "in-process",
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

/// <summary>
/// NdisMock's own metrics (meter <c>NdisMock</c>), scraped at /metrics and exported over OTLP when
/// OTEL_EXPORTER_OTLP_ENDPOINT is set; and the operator's log of every refusal.
/// </summary>
internal sealed partial class NdisMetrics
{
    public const string MeterName = "NdisMock";
    private const string FindingsKey = "NdisMock.Findings";
    private readonly Counter<long> _requests;
    private readonly Counter<long> _violations;
    private readonly ILogger _log;

    public NdisMetrics(IMeterFactory meters, SandboxStore store, IEventFeeds feeds, ILoggerFactory logs)
    {
        _log = logs.CreateLogger("NdisMock.Refusals");
        var meter = meters.Create(MeterName);
        _requests = meter.CreateCounter<long>("ndismock.requests", "{request}", "Requests answered, by operation and HTTP status.");
        _violations = meter.CreateCounter<long>("ndismock.violations", "{violation}", "Findings of the verifier, by rule, severity and operation.");
        meter.CreateObservableGauge("ndismock.sandboxes.active", () => store.Count, "{sandbox}", "Sandboxes hosted now.");
        meter.CreateObservableGauge("ndismock.pending_operations", () => store.All.Sum(e => e.Sandbox.Counters.PendingOperations), "{operation}", "Pended requests waiting for completion, over all sandboxes.");
        meter.CreateObservableCounter("ndismock.events.pushed", () => feeds.EventsPushed, "{event}", "Journal events pushed to hub subscribers.");
        meter.CreateObservableGauge("ndismock.sandbox.vcs", () => PerSandbox(store, c => c.Vcs), "{vc}", "VCs each sandbox holds.");
        meter.CreateObservableGauge("ndismock.sandbox.pending_operations", () => PerSandbox(store, c => c.PendingOperations), "{operation}", "Pended requests of each sandbox.");
        meter.CreateObservableGauge("ndismock.sandbox.events", () => PerSandbox(store, c => c.Events), "{event}", "Journal sequence each sandbox has reached.");
    }

    private static IEnumerable<Measurement<long>> PerSandbox(SandboxStore store, Func<Domain.SandboxCounters, long> value) =>
        store.All.Select(e => new Measurement<long>(value(e.Sandbox.Counters), new KeyValuePair<string, object?>("sandbox_id", e.Id)));

    /// <summary>Keeps the findings of an answered operation for the request's metrics and log.</summary>
    public static void Note(HttpContext http, Domain.Outcome outcome)
    {
        if (outcome.Violation is not null || outcome.Warnings.Count > 0)
        {
            http.Items[FindingsKey] = outcome;
        }
    }

    /// <summary>
    /// Counts each answered request under its operationId and each finding under its rule; logs every refusal (a 4xx,
    /// a finding) at Information with the sandbox id, the operation, the status and the rule: never a key or a body.
    /// </summary>
    public IApplicationBuilder Observe(IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        await next(http);
        var operation = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "other";
        var status = http.Response.StatusCode;
        _requests.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("status", status));
        var outcome = http.Items[FindingsKey] as Domain.Outcome;
        if (outcome is null && status < 400)
        {
            // Most requests are answered cleanly: nothing to count as a finding and nothing to log, so the sandbox id
            // (a route lookup and a pattern match) is worked out only for the requests that need it.
            return;
        }

        var sandboxId = http.GetRouteValue("sandboxId") is string id && Hubs.RefusalLoggingHubFilter.SandboxIdOf([id]) is var shaped ? shaped : "-";
        foreach (var finding in outcome is null ? [] : outcome.Warnings.Prepend(outcome.Violation).OfType<Domain.Violation>())
        {
            _violations.Add(1, new KeyValuePair<string, object?>("rule", finding.Rule.Id), new KeyValuePair<string, object?>("severity", finding.Severity.ToString()),
                new KeyValuePair<string, object?>("operation", finding.Operation));
            LogFinding(sandboxId, finding.Rule.Id, finding.Severity, finding.Operation, status);
        }

        if (status >= 400 && outcome?.Violation is null)
        {
            LogRefused(sandboxId, operation, status, http.Request.Method);
        }
    });

    [LoggerMessage(LogLevel.Information, "Sandbox {SandboxId}: {Rule} ({Severity}) in {Operation}, answered {Status}")]
    private partial void LogFinding(string sandboxId, string rule, Domain.Severity severity, string operation, int status);

    [LoggerMessage(LogLevel.Information, "Sandbox {SandboxId}: {Operation} refused with {Status} ({Method})")]
    private partial void LogRefused(string sandboxId, string operation, int status, string method);
}

/// <summary>Tells body binding whether a request built in process (a replay, a forwarded request) has a body, as a server does.</summary>
internal sealed class BodyDetection(bool canHaveBody) : IHttpRequestBodyDetectionFeature
{
    public static readonly BodyDetection Some = new(true);
    public static readonly BodyDetection None = new(false);

    public bool CanHaveBody => canHaveBody;
}
