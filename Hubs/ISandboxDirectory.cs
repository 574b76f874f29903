using Microsoft.AspNetCore.SignalR;
using NdisMock.Domain;

namespace NdisMock.Hubs;

/// <summary>Finds a sandbox for a subscriber that presents its id and key; implemented by the host.</summary>
public interface ISandboxDirectory
{
    /// <summary>
    /// The sandbox, or null with the refusal (unknown sandbox, missing or wrong key, allowance spent). An admitted call
    /// spends one request of the sandbox's allowance, as a REST request does.
    /// </summary>
    (Sandbox? Sandbox, HubException? Refusal) Open(string sandboxId, string? sandboxKey);

    /// <summary>Whether the sandbox is still hosted under that id (not deleted or expired since it was opened).</summary>
    bool IsHosted(string sandboxId, Sandbox sandbox);
}
