using NdisMock.Domain;
using NdisMock.Hubs;

namespace NdisMock.Api.Contracts;

/// <summary>What an NDIS operation returned.</summary>
/// <param name="Status">The NDIS status name (NDIS_STATUS_PENDING when pended).</param>
/// <param name="StatusCode">The same status as eight hex digits.</param>
/// <param name="PendingOperationId">The pended request (when pended), or the one this call completed.</param>
/// <param name="Violation">Set when NDIS answered with a documented failure for a rule (a Reject).</param>
/// <param name="Warnings">Warning-class findings recorded while the call went through.</param>
public sealed record OperationResponse(
    string Status,
    string StatusCode,
    string? PendingOperationId,
    string? NdisAfHandle,
    string? NdisSapHandle,
    string? NdisVcHandle,
    string? NdisPartyHandle,
    ViolationResponse? Violation,
    IReadOnlyList<ViolationResponse>? Warnings);

/// <summary>A recorded finding of the verifier.</summary>
/// <param name="Sequence">The violation's own number, 1, 2, 3 … per sandbox (GetViolations' after).</param>
/// <param name="JournalSequence">The journal sequence it follows: the newest event when it was recorded (a refused call journals nothing, so its violation follows the event before the call).</param>
public sealed record ViolationResponse(
    long Sequence,
    long JournalSequence,
    DateTimeOffset Timestamp,
    string Rule,
    Severity Severity,
    string Operation,
    string Summary,
    string Detail,
    string Reference,
    string? ReferenceUrl);

/// <summary>A new sandbox: its id and its secret key, shown this once.</summary>
/// <param name="Key">Send it as the X-Sandbox-Key header on every request about this sandbox.</param>
public sealed record SandboxCreatedResponse(string Id, string Key, SandboxResponse Sandbox);

/// <summary>One sandbox as the operator's list shows it.</summary>
public sealed record SandboxSummary(string Id, DateTimeOffset CreatedAt, DateTimeOffset LastUsed, string Profile, int Vcs, int PendingOperations, long Events);

public sealed record SandboxListResponse(IReadOnlyList<SandboxSummary> Sandboxes);

/// <summary>A sandbox's whole state.</summary>
/// <param name="Network">The link behind the MCM: capacity (cells/s or B-channels), what calls hold, how many.</param>
/// <param name="Routes">The remote side's rules, by called address.</param>
/// <param name="VirtualClock">True when the sandbox's time moves only with AdvanceClock.</param>
/// <param name="Now">The sandbox's time.</param>
/// <param name="AlwaysPend">True when every asynchronous client request returns NDIS_STATUS_PENDING and its completion callback arrives.</param>
/// <param name="NextAfter">Set when more VCs follow than this page holds: GetSandbox with after=nextAfter reads on.</param>
/// <param name="PendingOperationsTruncated">True when more requests are pending than the page holds: ListPendingOperations pages through them all.</param>
public sealed record SandboxResponse(
    string Id,
    DateTimeOffset CreatedAt,
    AdapterProfile Profile,
    NetworkView Network,
    IReadOnlyList<RoutingRule> Routes,
    bool VirtualClock,
    DateTimeOffset Now,
    McmDuties Duties,
    Strictness Strictness,
    bool AlwaysPend,
    IReadOnlyList<CoAddressFamily> RegisteredAddressFamilies,
    IReadOnlyList<AddressFamilyView> AddressFamilies,
    IReadOnlyList<SapView> Saps,
    IReadOnlyList<VcView> Vcs,
    IReadOnlyList<PendingOperationResponse> PendingOperations,
    SandboxCounters Counters,
    string? NextAfter = null,
    bool? PendingOperationsTruncated = null);

/// <summary>A request a handler pended, waiting for its completion.</summary>
/// <param name="Handler">The handler that answered NDIS_STATUS_PENDING.</param>
/// <param name="Completion">The function that completes it; CompletePendingOperation calls it for you.</param>
/// <param name="CompletedBy">Whose completion it waits for: Mcm, or Client (an offered call, a close notification).</param>
/// <param name="SelfCompletes">True when the handler's behavior completes it after a delay.</param>
public sealed record PendingOperationResponse(
    string PendingOperationId,
    string Handler,
    string Completion,
    Role CompletedBy,
    DateTimeOffset CreatedAt,
    string? NdisAfHandle,
    string? NdisSapHandle,
    string? NdisVcHandle,
    string? NdisPartyHandle,
    CallParameters? CallParameters,
    bool SelfCompletes);

/// <summary>Events after the requested sequence that match the filters, oldest first.</summary>
/// <param name="NextAfter">Ask for after=NextAfter next: every event up to it has been looked at.</param>
/// <param name="LastSequence">The newest sequence in the journal.</param>
/// <param name="OldestSequenceKept">The oldest sequence the bounded journal still holds.</param>
public sealed record EventsResponse(IReadOnlyList<NdisEventMessage> Events, long NextAfter, long LastSequence, long OldestSequenceKept);

/// <param name="NextAfter">Set when more violations follow than the page holds: GetViolations with after=nextAfter reads on.</param>
public sealed record ViolationsResponse(IReadOnlyList<ViolationResponse> Violations, long? NextAfter = null);

/// <summary>How one MCM handler answers, with any failure injection (failNext counts down as failures are spent).</summary>
public sealed record BehaviorResponse(
    string Handler,
    BehaviorMode Mode,
    string Status,
    string StatusCode,
    TimeSpan? CompleteAfter,
    int FailNext,
    string? FailStatus,
    double FaultRate,
    int FaultSeed);

/// <summary>Where a virtual clock stands after AdvanceClock.</summary>
/// <param name="Fired">How many scheduled completions fired.</param>
public sealed record ClockResponse(DateTimeOffset Now, int Fired);

/// <param name="NextAfter">Set when more routes follow than the page holds: ListRoutes with after=nextAfter reads on.</param>
public sealed record RoutesResponse(IReadOnlyList<RoutingRule> Routes, string? NextAfter = null);

public sealed record BehaviorsResponse(IReadOnlyList<BehaviorResponse> Behaviors);

/// <summary>A rule of the verifier's catalogue.</summary>
/// <param name="NdisStatus">For a Reject: the documented status NDIS answers with.</param>
/// <param name="NotDetectedBecause">Set when NdisMock's model cannot break this rule.</param>
public sealed record RuleResponse(
    string Id,
    Severity Severity,
    string Summary,
    string Reference,
    string? ReferenceUrl,
    string? NdisStatus,
    string? NotDetectedBecause);

public sealed record RulesResponse(IReadOnlyList<RuleResponse> Rules);


internal static class ResponseMapping
{
    /// <summary>The answer of a call that was not refused; a refused one answers a problem and has no NDIS status.</summary>
    public static OperationResponse ToResponse(this Outcome outcome) => new(
        (outcome.Status ?? throw new InvalidOperationException("A refused call answers a problem, not an operation response.")).Name,
        outcome.Status.Value.Hex,
        outcome.PendingOperationId,
        outcome.NdisAfHandle,
        outcome.NdisSapHandle,
        outcome.NdisVcHandle,
        outcome.NdisPartyHandle,
        outcome.Violation?.ToResponse(),
        outcome.Warnings.Count == 0 ? null : [.. outcome.Warnings.Select(w => w.ToResponse())]);

    public static ViolationResponse ToResponse(this Violation v) =>
        new(v.Sequence, v.JournalSequence, v.Timestamp, v.Rule.Id, v.Severity, v.Operation, v.Rule.Summary, v.Detail, v.Rule.Reference, v.Rule.ReferenceUrl);

    public static SandboxResponse ToResponse(this SandboxSnapshot s, string id, DateTimeOffset createdAt) => new(
        id, createdAt, s.Profile, s.Network, s.Routes, s.VirtualClock, s.Now, s.Duties, s.Strictness, s.AlwaysPend, s.RegisteredAddressFamilies, s.AddressFamilies, s.Saps, s.Vcs,
        [.. s.PendingOperations.Select(p => p.ToResponse())], s.Counters);

    public static PendingOperationResponse ToResponse(this PendingOperationView p) => new(
        p.PendingOperationId, p.Handler.ToString(), p.Completion.ToString(), p.CompletedBy, p.CreatedAt,
        p.NdisAfHandle, p.NdisSapHandle, p.NdisVcHandle, p.NdisPartyHandle, p.CallParameters, p.SelfCompletes);


    public static BehaviorResponse ToResponse(this KeyValuePair<CmHandler, HandlerBehavior> b) =>
        new(b.Key.ToString(), b.Value.Mode, b.Value.Status.Name, b.Value.Status.Hex, b.Value.CompleteAfter,
            b.Value.FailNext, b.Value.FailStatus?.Name, b.Value.FaultRate, b.Value.FaultSeed);

    public static RuleResponse ToResponse(this Rule r) => new(r.Id, r.Severity, r.Summary, r.Reference, r.ReferenceUrl, r.Result?.Name, r.NotDetectedBecause);
}
