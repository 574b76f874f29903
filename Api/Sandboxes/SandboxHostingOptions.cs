using System.ComponentModel.DataAnnotations;

namespace NdisMock.Api.Sandboxes;

/// <summary>Limits of the sandboxes this process hosts (configuration section <c>Sandboxes</c>, e.g. <c>Sandboxes__TimeToLive</c>).</summary>
public sealed class SandboxHostingOptions
{
    public const string Section = "Sandboxes";

    /// <summary>A sandbox unused for this long is evicted; every request or subscription to it starts the time again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often expired sandboxes are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan EvictionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many sandboxes may exist at once.</summary>
    [Range(1, 1_000_000)]
    public int MaxSandboxes { get; set; } = 1000;

    /// <summary>How many VCs each sandbox may hold.</summary>
    [Range(1, 10_000_000)]
    public int MaxVcsPerSandbox { get; set; } = 100_000;

    /// <summary>How many pended requests each sandbox may hold.</summary>
    [Range(1, 1_000_000)]
    public int MaxPendingOperationsPerSandbox { get; set; } = 10_000;

    /// <summary>How many address family opens each sandbox may hold.</summary>
    [Range(1, 1_000_000)]
    public int MaxAddressFamiliesPerSandbox { get; set; } = 1_000;

    /// <summary>How many SAPs each sandbox may hold.</summary>
    [Range(1, 1_000_000)]
    public int MaxSapsPerSandbox { get; set; } = 1_000;

    /// <summary>How many parties of multipoint calls each sandbox may hold.</summary>
    [Range(1, 10_000_000)]
    public int MaxPartiesPerSandbox { get; set; } = 10_000;

    /// <summary>How many routing rules each sandbox may hold.</summary>
    [Range(1, 1_000_000)]
    public int MaxRoutesPerSandbox { get; set; } = 1_000;

    /// <summary>How many GetEvents requests with a wait may be open on one sandbox at once; more answer 429.</summary>
    [Range(1, 100_000)]
    public int MaxWaitsPerSandbox { get; set; } = 16;

    /// <summary>How many hub subscriptions may follow one sandbox at once; more are refused.</summary>
    [Range(1, 100_000)]
    public int MaxSubscribersPerSandbox { get; set; } = 32;

    /// <summary>How many sandboxes one hub connection may follow at once; more are refused.</summary>
    [Range(1, 100_000)]
    public int MaxSubscriptionsPerConnection { get; set; } = 16;

    /// <summary>The most journal events one hub Subscribe replays; a subscriber further behind reads the rest with GetEvents.</summary>
    [Range(16, 10_000_000)]
    public int MaxReplayPerSubscribe { get; set; } = 10_000;

    /// <summary>How many journal events each sandbox keeps; older ones are dropped, and asking for them answers 410.</summary>
    [Range(16, 10_000_000)]
    public int JournalCapacity { get; set; } = 100_000;

    /// <summary>How many violations each sandbox keeps.</summary>
    [Range(16, 1_000_000)]
    public int ViolationCapacity { get; set; } = 10_000;

    /// <summary>The largest request body accepted, in bytes; larger ones answer 413.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public long MaxRequestBodySize { get; set; } = 64 * 1024;

    /// <summary>Requests each sandbox may make per <see cref="RateLimitPeriod"/> (a token bucket of this size); more answer 429.</summary>
    [Range(1, 10_000_000)]
    public int RateLimitPermits { get; set; } = 2000;

    /// <summary>How often a sandbox's request allowance is refilled.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RateLimitPeriod { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>The operator of a shared instance (configuration section <c>Operator</c>).</summary>
public sealed class OperatorOptions
{
    public const string Section = "Operator";

    /// <summary>With it (header X-Operator-Key), ListSandboxes works and any sandbox may be read or deleted. Unset: listing is refused.</summary>
    public string? Key { get; set; }
}
