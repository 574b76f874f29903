using NdisMock.Domain;

namespace NdisMock.Hubs;

/// <summary>Finds a sandbox for a subscriber that presents its id and key; implemented by the host.</summary>
public interface ISandboxDirectory
{
    /// <summary>The sandbox, or null with the reason it is refused (unknown sandbox, missing or wrong key).</summary>
    (Sandbox? Sandbox, string? Refusal) Open(string sandboxId, string? sandboxKey);
}
