using System.ComponentModel.DataAnnotations;

namespace NdisMock.Api.Sandboxes;

/// <summary>Limits of the sandboxes this process hosts (configuration section <c>Sandboxes</c>).</summary>
public sealed class SandboxHostingOptions
{
    public const string Section = "Sandboxes";

    /// <summary>How many journal events each sandbox keeps; older ones are dropped, and asking for them answers 410.</summary>
    [Range(16, 10_000_000)]
    public int JournalCapacity { get; set; } = 100_000;

    /// <summary>How many violations each sandbox keeps.</summary>
    [Range(16, 1_000_000)]
    public int ViolationCapacity { get; set; } = 10_000;
}
