using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using NdisMock.Domain;
using Microsoft.Extensions.Options;
using NdisMock.Hubs;

namespace NdisMock.Api.Sandboxes;

/// <summary>One hosted sandbox: the Domain's actor plus its id and the hash of its secret key.</summary>
internal sealed class SandboxEntry(string id, byte[] keyHash, Sandbox sandbox, DateTimeOffset createdAt)
{
    public string Id { get; } = id;

    public Sandbox Sandbox { get; } = sandbox;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    /// <summary>Compares in constant time, on hashes so that the key's length leaks nothing either.</summary>
    public bool KeyMatches(string? key) =>
        key is not null && CryptographicOperations.FixedTimeEquals(SandboxStore.Hash(key), keyHash);
}

/// <summary>
/// The sandboxes this process hosts. Lookups are lock-free; each sandbox serialises its own operations, so there
/// is no lock shared between sandboxes on the request path.
/// </summary>
internal sealed class SandboxStore(TimeProvider time, IOptions<SandboxHostingOptions> hosting) : ISandboxDirectory
{
    private readonly ConcurrentDictionary<string, SandboxEntry> _sandboxes = new(StringComparer.Ordinal);

    public (SandboxEntry Entry, string Key) Create(SandboxOptions options)
    {
        options = options with { JournalCapacity = hosting.Value.JournalCapacity, ViolationCapacity = hosting.Value.ViolationCapacity };
        var id = "sbx-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var key = Base64Url(RandomNumberGenerator.GetBytes(32));
        var entry = new SandboxEntry(id, Hash(key), new Sandbox(options, time), time.GetUtcNow());
        _sandboxes[id] = entry;
        return (entry, key);
    }

    public SandboxEntry? Find(string id) => _sandboxes.GetValueOrDefault(id);

    public bool Remove(string id) => _sandboxes.TryRemove(id, out _);

    public int Count => _sandboxes.Count;

    public (Sandbox? Sandbox, string? Refusal) Open(string sandboxId, string? sandboxKey) =>
        Find(sandboxId) is not { } entry ? (null, $"There is no sandbox '{sandboxId}'.")
        : string.IsNullOrEmpty(sandboxKey) ? (null, "The sandbox key is required.")
        : !entry.KeyMatches(sandboxKey) ? (null, $"That is not the key of sandbox {sandboxId}.")
        : (entry.Sandbox, null);

    internal static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
