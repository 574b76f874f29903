namespace NdisMock.Domain;

/// <summary>A finding of the verifier, kept in the sandbox's violation list.</summary>
/// <param name="Sequence">1, 2, 3 … per sandbox: the violation's own number (GetViolations' after).</param>
/// <param name="Operation">The NDIS function called (an <see cref="EventName"/>), or CompletePendingOperation when the pending id it was given names nothing.</param>
/// <param name="JournalSequence">
/// The journal sequence the violation follows: the newest event when it was recorded. A refused call journals nothing, so
/// its violation follows the event before the call; a rejected call's follows the call's own event; a warning follows the
/// events of the call that went on. 0 when the journal was empty.
/// </param>
public sealed record Violation(
    long Sequence,
    DateTimeOffset Timestamp,
    Rule Rule,
    Severity Severity,
    string Operation,
    string Detail,
    long JournalSequence = 0);

public enum OutcomeKind
{
    /// <summary>The call completed synchronously, with success or a documented failure status.</summary>
    Completed,

    /// <summary>The call returned NDIS_STATUS_PENDING; a completion will follow.</summary>
    Pended,

    /// <summary>The WDK forbids the call: nothing changed and the violation was recorded.</summary>
    Refused,
}

/// <summary>What one operation on a sandbox came to.</summary>
public sealed record Outcome
{
    public required OutcomeKind Kind { get; init; }

    /// <summary>
    /// The NDIS status returned: PENDING when pended, the documented status of a Reject; null when the call was refused
    /// (an Error), since the WDK forbids it and no status was returned.
    /// </summary>
    public NdisStatus? Status { get; init; }

    /// <summary>For a refusal: the rule broken.</summary>
    public Violation? Violation { get; init; }

    /// <summary>Warnings recorded while the call went through.</summary>
    public IReadOnlyList<Violation> Warnings { get; init; } = [];

    /// <summary>For a pended call (or one that completed a pended request): that request's id.</summary>
    public string? PendingOperationId { get; init; }

    /// <summary>True when the call created an object whose handle is returned.</summary>
    public bool Created { get; init; }

    public string? NdisAfHandle { get; init; }

    public string? NdisSapHandle { get; init; }

    public string? NdisVcHandle { get; init; }

    public string? NdisPartyHandle { get; init; }

    public bool IsRefused => Kind == OutcomeKind.Refused;
}

/// <summary>Thrown inside a sandbox turn when a check fails; turned into a refused outcome, never seen outside.</summary>
internal sealed class RefusedException(Rule rule, string detail) : Exception(detail)
{
    public Rule Rule { get; } = rule;
}
