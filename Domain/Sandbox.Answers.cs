using System.Runtime.CompilerServices;

namespace NdisMock.Domain;

// How a turn answers: refusals, documented failures, the handler's answer, and the status NDIS returns for it.
public sealed partial class Sandbox
{
    /// <summary>Refuses the current operation with an Error-class rule unless <paramref name="condition"/> holds.</summary>
    private static void Require(bool condition, Rule rule, string detail)
    {
        if (!condition)
        {
            throw new RefusedException(rule, detail);
        }
    }

    /// <summary>As above, with a detail that is formatted only when the operation is refused.</summary>
    private static void Require(bool condition, Rule rule, [InterpolatedStringHandlerArgument(nameof(condition))] ref RefusalDetail detail)
    {
        if (!condition)
        {
            throw new RefusedException(rule, detail.ToStringAndClear());
        }
    }

    private static RefusedException Refuse(Rule rule, string detail) => new(rule, detail);

    /// <summary>Refuses the current operation with the Error rule a transition table named, if it named one.</summary>
    private static void RequireAllowed(Rule? refusal, string detail)
    {
        if (refusal is not null)
        {
            throw Refuse(refusal, detail);
        }
    }

    /// <summary>As above, with a detail that is formatted only when the table named a rule.</summary>
    private static void RequireAllowed(Rule? refusal, [InterpolatedStringHandlerArgument(nameof(refusal))] ref RefusalDetail detail)
    {
        if (refusal is not null)
        {
            throw Refuse(refusal, detail.ToStringAndClear());
        }
    }

    /// <summary>
    /// The answer to a trigger a transition table refused: a Reject rule's documented status, or an Error rule's
    /// refusal; null when the table allows the trigger.
    /// </summary>
    private Outcome? RefusedBy(Rule? refusal, string detail, NdisEvent call, NdisEvent? callback = null) => refusal switch
    {
        null => null,
        { Severity: Severity.Reject } => Reject(refusal, detail, call, callback),
        _ => throw Refuse(refusal, detail),
    };

    /// <summary>As above, with a detail that is formatted only when the table named a rule.</summary>
    private Outcome? RefusedBy(Rule? refusal, [InterpolatedStringHandlerArgument(nameof(refusal))] ref RefusalDetail detail, NdisEvent call, NdisEvent? callback = null) =>
        refusal is null ? null : RefusedBy(refusal, detail.ToStringAndClear(), call, callback);

    /// <summary>
    /// Answers the current operation with a Reject-class rule's documented status: the call event is journaled with
    /// that status (as is <paramref name="also"/>), the finding is recorded, and nothing else changes. With
    /// <see cref="SandboxOptions.AlwaysPend"/>, an asynchronous request returns PENDING and its
    /// <paramref name="callback"/> carries the status instead.
    /// </summary>
    private Outcome Reject(Rule rule, string detail, NdisEvent call, NdisEvent? callback = null, NdisEvent? also = null)
    {
        var status = rule.Result ?? NdisStatuses.Failure;
        var ndisCompletion = callback is not null && Options.AlwaysPend ? _handles.Next(HandleKind.PendingOperation) : null;
        Emit(Returning(call, status, ndisCompletion));
        if (also is not null)
        {
            Emit(also with { Status = status });
        }

        var violation = Keep(NewViolation(rule, Severity.Reject, detail));
        return Returned(status, callback, ndisCompletion) with { Violation = violation };
    }

    /// <summary>
    /// The call returns what the handler NDIS invoked for it answered: both are journaled with that one status, and the
    /// call completes with it, unless NDIS completes the request itself (<see cref="NdisCompletion"/>): then the call
    /// returns PENDING and <paramref name="callback"/> follows with the status.
    /// </summary>
    private Outcome Answered(NdisStatus status, NdisEvent call, NdisEvent? handler, NdisEvent? callback = null)
    {
        var ndisCompletion = callback is null ? null : NdisCompletion(call.Name);
        Emit(Returning(call, status, ndisCompletion));
        if (handler is not null)
        {
            Emit(handler with { Status = status });
        }

        return Returned(status, callback, ndisCompletion);
    }

    /// <summary>
    /// When NDIS returns PENDING for a client request whose handler answered at once and delivers the completion
    /// callback itself, the id that pairs the two; null when the answer is returned as it is. NDIS completes always with
    /// <see cref="SandboxOptions.AlwaysPend"/>, and for NdisClDeregisterSap, whose page documents no synchronous answer
    /// but FAILURE for a redundant call (NdisClDeregisterSap function).
    /// </summary>
    private string? NdisCompletion(EventName request) =>
        Options.AlwaysPend || request == EventName.NdisClDeregisterSap ? _handles.Next(HandleKind.PendingOperation) : null;

    /// <summary>The call as journaled: with its handler's answer, or PENDING when NDIS completes it.</summary>
    private static NdisEvent Returning(NdisEvent call, NdisStatus status, string? ndisCompletion) =>
        call with { Status = ndisCompletion is null ? status : NdisStatuses.Pending, PendingOperationId = ndisCompletion };

    /// <summary>
    /// The call's outcome once its handler answered at once: completed with that status, or, when NDIS completes the
    /// request, pended, with the completion <paramref name="callback"/> journaled now under the call's id.
    /// </summary>
    private Outcome Returned(NdisStatus status, NdisEvent? callback, string? ndisCompletion)
    {
        if (callback is null || ndisCompletion is null)
        {
            return Completed(status);
        }

        Emit(callback with { Status = status, PendingOperationId = ndisCompletion });
        return new Outcome { Kind = OutcomeKind.Pended, Status = NdisStatuses.Pending, PendingOperationId = ndisCompletion };
    }

    /// <summary>Records a Warning (or, for strictness-dependent rules, a downgraded Error) that lets the call go on.</summary>
    private void Warn(Rule rule, string detail) => _turn.Warnings.Add(NewViolation(rule, Severity.Warning, detail));

    /// <summary>For the ordering rules left to strictness (docs/rules.md#v-call-03, #v-call-06): refuse when strict, warn when lenient.</summary>
    private void RequireOrderly(bool condition, Rule rule, [InterpolatedStringHandlerArgument(nameof(condition))] ref RefusalDetail detail)
    {
        if (condition)
        {
            return;
        }

        var text = detail.ToStringAndClear();
        if (Options.Strictness == Strictness.Strict)
        {
            throw Refuse(rule, text);
        }

        Warn(rule, text + " (accepted: lenient sandbox)");
    }

    private Violation NewViolation(Rule rule, Severity severity, string detail) =>
        new(0, CurrentTime, rule, severity, OperationName, detail);

    /// <summary>The function the current turn serves, as findings name it.</summary>
    private string OperationName => _turn.OperationName;

    private Violation Keep(Violation violation)
    {
        var kept = violation with { Sequence = ++_violationSequence, JournalSequence = _journal.LastSequence };
        _violations.Enqueue(kept);
        var dropped = _violations.Count > Options.ViolationCapacity ? _violations.Dequeue() : null;
        if (_undo.IsRecording)
        {
            _undo.Record(() => Unkeep(kept, dropped));
        }

        return kept;
    }

    /// <summary>Takes back a finding a failing turn kept (the newest), and the one it pushed out of the record.</summary>
    private void Unkeep(Violation kept, Violation? dropped)
    {
        _violationSequence--;
        var rest = _violations.Where(v => !ReferenceEquals(v, kept)).ToArray();
        _violations.Clear();
        if (dropped is not null)
        {
            _violations.Enqueue(dropped);
        }

        foreach (var v in rest)
        {
            _violations.Enqueue(v);
        }
    }

    private static Outcome Completed(NdisStatus status) => new() { Kind = OutcomeKind.Completed, Status = status };

    /// <summary>
    /// The handler NDIS invoked pended the request: the call returns PENDING, and the handler's event, PENDING too,
    /// carries the id its completion will name.
    /// </summary>
    private Outcome HandlerPended(PendingOperation op, NdisEvent call, NdisEvent handler)
    {
        Emit(call with { Status = NdisStatuses.Pending });
        Emit(handler with { Status = NdisStatuses.Pending, PendingOperationId = op.Id });
        return Pended(op);
    }

    private static Outcome Pended(PendingOperation op) =>
        new() { Kind = OutcomeKind.Pended, Status = NdisStatuses.Pending, PendingOperationId = op.Id };

    private void RequirePendingRoom() =>
        Require(_ledger.Count < Options.MaxPendingOperations, Rules.PendingQuota,
            $"{_ledger.Count} requests are pending, the most this sandbox allows ({Options.MaxPendingOperations}).");

    private void RequireAfRoom() =>
        Require(_afs.Count < Options.MaxAddressFamilies, Rules.AddressFamilyQuota,
            $"The sandbox holds {_afs.Count} address family opens, the most it allows ({Options.MaxAddressFamilies}).");

    private void RequireSapRoom() =>
        Require(_saps.Count < Options.MaxSaps, Rules.SapQuota, $"The sandbox holds {_saps.Count} SAPs, the most it allows ({Options.MaxSaps}).");

    private void RequirePartyRoom() =>
        Require(_parties.Count < Options.MaxParties, Rules.PartyQuota, $"The sandbox holds {_parties.Count} parties, the most it allows ({Options.MaxParties}).");

    private void RequireVcRoom() =>
        Require(_vcs.Count < Options.MaxVcs, Rules.VcQuota, $"The sandbox holds {_vcs.Count} VCs, the most it allows ({Options.MaxVcs}).");

    private static void RequireNotPending(NdisStatus status) =>
        Require(!status.IsPending, Rules.CompletionWithPending, "A completion's status must not be NDIS_STATUS_PENDING.");
}
