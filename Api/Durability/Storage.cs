using System.Text.Json;
using System.Text.Json.Serialization;
using NdisMock.Domain;

namespace NdisMock.Api.Durability;

/// <summary>Where sandboxes are kept beyond the process (section <c>Storage</c>); none set: in memory only.</summary>
internal sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>A StackExchange.Redis configuration string (e.g. <c>redis:6379</c>): every accepted operation is durable there before its answer.</summary>
    public string? Redis { get; set; }

    /// <summary>The longest an operation's answer waits for Redis to confirm its write; past it the answer is 503 and the sandbox is reloaded.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The key prefix, so several NdisMock instances can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "ndismock";

    public bool IsDurable => !string.IsNullOrWhiteSpace(Redis);
}

/// <summary>What one entry of a sandbox's log records.</summary>
internal enum LogRecordKind
{
    /// <summary>The sandbox was created: its options, the hash of its key, its handle tag. Always the first entry.</summary>
    Created,

    /// <summary>A request that reached the sandbox: the REST request as sent (never its key), replayed through the same endpoint.</summary>
    Request,

    /// <summary>The host's timer had the MCM complete what was due.</summary>
    Due,
}

/// <summary>
/// One entry of a sandbox's log. The log is the sandbox: replayed in order on a clock showing each entry's time, the
/// deterministic model gives the same objects, handles, pending requests, journal and findings.
/// </summary>
internal sealed record LogRecord
{
    public required LogRecordKind Kind { get; init; }

    /// <summary>When the operation began (the sandbox's one time for it).</summary>
    public required DateTimeOffset At { get; init; }

    public SandboxCreation? Creation { get; init; }

    public string? Method { get; init; }

    /// <summary>The path, e.g. /sandboxes/sbx-…/client/vcs/vc-…/call.</summary>
    public string? Path { get; init; }

    public string? Query { get; init; }

    public string? ContentType { get; init; }

    /// <summary>The request body as sent (UTF-8 JSON), if any.</summary>
    public string? Body { get; init; }
}

/// <summary>Everything a sandbox was created with, so that its rebuild is the same sandbox whatever the settings are now.</summary>
internal sealed record SandboxCreation(
    string Id,
    string KeyHash,
    string HandleTag,
    string Profile,
    McmDuties Duties,
    Strictness Strictness,
    bool VirtualClock,
    bool AlwaysPend,
    int JournalCapacity,
    int ViolationCapacity,
    int MaxVcs,
    int MaxPendingOperations,
    int MaxAddressFamilies,
    int MaxSaps,
    int MaxParties,
    int MaxRoutes)
{
    public static SandboxCreation Of(string id, byte[] keyHash, Sandbox sandbox)
    {
        var o = sandbox.Options;
        return new(id, Convert.ToBase64String(keyHash), sandbox.HandleTag, o.Profile.Name, o.Duties, o.Strictness, o.VirtualClock, o.AlwaysPend,
            o.JournalCapacity, o.ViolationCapacity, o.MaxVcs, o.MaxPendingOperations, o.MaxAddressFamilies, o.MaxSaps, o.MaxParties, o.MaxRoutes);
    }

    public SandboxOptions ToOptions() => new()
    {
        Profile = AdapterProfile.Find(Profile) ?? throw new InvalidDataException($"Sandbox {Id} was created with profile {Profile}, which this version does not know."),
        Duties = Duties,
        Strictness = Strictness,
        VirtualClock = VirtualClock,
        AlwaysPend = AlwaysPend,
        JournalCapacity = JournalCapacity,
        ViolationCapacity = ViolationCapacity,
        MaxVcs = MaxVcs,
        MaxPendingOperations = MaxPendingOperations,
        MaxAddressFamilies = MaxAddressFamilies,
        MaxSaps = MaxSaps,
        MaxParties = MaxParties,
        MaxRoutes = MaxRoutes,
    };
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LogRecord))]
internal sealed partial class LogJson : JsonSerializerContext;
