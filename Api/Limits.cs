using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace NdisMock.Api;

/// <summary>
/// What the whole instance allows, whoever asks (configuration section <c>Limits</c>, e.g. <c>Limits__MaxConnections</c>):
/// connections, how fast one client address may create sandboxes and hub connections, and the memory budget new work is
/// refused against. The per-sandbox limits are in <see cref="Sandboxes.SandboxHostingOptions"/>.
/// </summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Open TCP connections Kestrel accepts at once; more are closed on accept.</summary>
    [Range(1, 1_000_000)]
    public long MaxConnections { get; set; } = 2_000;

    /// <summary>Of those, connections upgraded to WebSockets (hub connections) at once.</summary>
    [Range(1, 1_000_000)]
    public long MaxUpgradedConnections { get; set; } = 1_000;

    /// <summary>How long a client may take to send a request's headers (a slowloris is cut off after it).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an idle keep-alive connection is kept.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Sandboxes one client address may create per <see cref="SandboxesPerClientPeriod"/>; more answer 429.</summary>
    [Range(1, 1_000_000)]
    public int SandboxesPerClient { get; set; } = 100;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SandboxesPerClientPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Hub negotiations and connects one client address may make per <see cref="NegotiationsPerClientPeriod"/>; more answer 429.</summary>
    [Range(1, 1_000_000)]
    public int NegotiationsPerClient { get; set; } = 120;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan NegotiationsPerClientPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a negotiated hub connection that never connects is kept.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan NegotiationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Managed memory (MiB) above which new work (creating sandboxes, any POST or PUT, so also a new hub connection's
    /// negotiation) answers 503 while reads, deletes and open hub connections go on; 0 takes three quarters of the memory
    /// the process may use (the container's limit).
    /// </summary>
    [Range(0, 1_048_576)]
    public long MemoryBudgetMiB { get; set; }
}

/// <summary>The instance-wide limits: Kestrel's connection caps, the per-client rate limits, the memory budget.</summary>
internal static class Limits
{
    public const string CreateSandboxPolicy = "sandboxes-per-client";
    public const string NegotiatePolicy = "negotiations-per-client";

    public static IServiceCollection AddNdisLimits(this IServiceCollection services)
    {
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<LimitsOptions>>((kestrel, limits) =>
        {
            kestrel.Limits.MaxConcurrentConnections = limits.Value.MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = limits.Value.MaxUpgradedConnections;
            kestrel.Limits.RequestHeadersTimeout = limits.Value.RequestHeadersTimeout;
            kestrel.Limits.KeepAliveTimeout = limits.Value.KeepAliveTimeout;
        });
        services.AddOptions<Microsoft.AspNetCore.Http.Connections.ConnectionOptions>().Configure<IOptions<LimitsOptions>>((connections, limits) =>
            connections.DisconnectTimeout = limits.Value.NegotiationTimeout);
        services.AddSingleton<MemoryBudget>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<LimitsOptions>>((options, configured) =>
        {
            var limits = configured.Value;
            options.AddPolicy(CreateSandboxPolicy, http => RateLimitPartition.GetFixedWindowLimiter(ClientAddress(http),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.SandboxesPerClient, Window = limits.SandboxesPerClientPeriod, QueueLimit = 0 }));
            options.AddPolicy(NegotiatePolicy, http => RateLimitPartition.GetFixedWindowLimiter(ClientAddress(http),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.NegotiationsPerClient, Window = limits.NegotiationsPerClientPeriod, QueueLimit = 0 }));
            options.OnRejected = (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                var window = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == CreateSandboxPolicy
                    ? (Permits: limits.SandboxesPerClient, Period: limits.SandboxesPerClientPeriod, Create: true)
                    : (Permits: limits.NegotiationsPerClient, Period: limits.NegotiationsPerClientPeriod, Create: false);
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds))
                    : Math.Max(1, (long)Math.Ceiling(window.Period.TotalSeconds));
                var problem = window.Create
                    ? ProblemCatalogue.ClientCreatedTooManySandboxes(window.Permits, window.Period, seconds)
                    : ProblemCatalogue.TooManyNegotiations(window.Permits, window.Period, seconds);
                return new ValueTask(problem.WithRetryAfter(http.Response).ExecuteAsync(http));
            };
        });
        return services;
    }

    /// <summary>The client's address (after ForwardedHeaders, the proxy's client), the partition of the per-client limits.</summary>
    public static string ClientAddress(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } address
            ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()
            : IPAddress.None.ToString();

    /// <summary>Refuses new work (POST and PUT) with 503 while the instance is above its memory budget.</summary>
    public static IApplicationBuilder UseMemoryBudget(this IApplicationBuilder app)
    {
        var budget = app.ApplicationServices.GetRequiredService<MemoryBudget>();
        return app.Use(async (http, next) =>
        {
            if ((HttpMethods.IsPost(http.Request.Method) || HttpMethods.IsPut(http.Request.Method)) && budget.IsExceeded)
            {
                await ProblemCatalogue.MemoryBudgetReached(budget.BudgetBytes).WithRetryAfter(http.Response).ExecuteAsync(http);
                return;
            }

            await next(http);
        });
    }
}

/// <summary>
/// The instance's memory budget, checked against the managed heap: cheap enough for every request (the heap size is
/// read at most every 100 ms).
/// </summary>
internal sealed class MemoryBudget(IOptions<LimitsOptions> limits, TimeProvider time)
{
    private readonly long _budget = limits.Value.MemoryBudgetMiB > 0
        ? limits.Value.MemoryBudgetMiB * 1024 * 1024
        : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4 * 3;

    private long _nextCheck;
    private long _used;

    public long BudgetBytes => _budget;

    public bool IsExceeded
    {
        get
        {
            var now = time.GetTimestamp();
            if (now >= Interlocked.Read(ref _nextCheck))
            {
                Interlocked.Exchange(ref _used, GC.GetTotalMemory(forceFullCollection: false));
                Interlocked.Exchange(ref _nextCheck, now + (time.TimestampFrequency / 10));
            }

            return Interlocked.Read(ref _used) > _budget;
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{_used} of {_budget} bytes");
}
