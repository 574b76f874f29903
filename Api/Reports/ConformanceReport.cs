using NdisMock.Domain;

namespace NdisMock.Api.Reports;

/// <summary>The verdict on what the code under test did in one sandbox.</summary>
/// <param name="Passed">True when no Error or Reject rule was broken and nothing was left open.</param>
/// <param name="FailingRules">The rules that failed it, by id; "leaks" when objects were left open.</param>
/// <param name="RulesChecked">How many rules of the catalogue NdisMock checks (those it can detect).</param>
/// <param name="Violations">The violations, one entry per rule and severity, most frequent first.</param>
/// <param name="Leaks">What NDIS would still hold at unbind: open address families, registered SAPs, VCs, calls, parties, pended requests.</param>
/// <param name="Operations">How often each function, handler and callback appears in the journal kept, with its statuses.</param>
/// <param name="Journal">The part of the journal the counts cover.</param>
public sealed record ConformanceReport(
    string SandboxId,
    DateTimeOffset GeneratedAt,
    bool Passed,
    IReadOnlyList<string> FailingRules,
    int RulesChecked,
    IReadOnlyList<RuleViolations> Violations,
    IReadOnlyList<LeakedObject> Leaks,
    IReadOnlyList<OperationCount> Operations,
    JournalRange Journal);

/// <summary>Every violation of one rule at one severity.</summary>
/// <param name="Fails">True for Error and Reject: the rule fails the report; a Warning is told, not failed.</param>
/// <param name="JournalSequences">The journal sequence each violation follows, oldest first.</param>
public sealed record RuleViolations(
    string Rule,
    Severity Severity,
    bool Fails,
    int Count,
    string Summary,
    string Reference,
    string? ReferenceUrl,
    IReadOnlyList<string> Operations,
    IReadOnlyList<long> JournalSequences,
    string FirstDetail);

/// <summary>What a leaked object is.</summary>
public enum LeakKind
{
    AddressFamily,
    Sap,
    Vc,
    Call,
    Party,
    PendingOperation,
}

/// <summary>One object left open.</summary>
/// <param name="Handle">Its handle (the VC's for a call, the id for a pended request).</param>
/// <param name="State">Its state now.</param>
/// <param name="CreatedAtSequence">The journal event that created it (opened, registered, created, made or offered, pended); null when the bounded journal no longer holds it.</param>
/// <param name="Detail">What NDIS expected to happen to it.</param>
public sealed record LeakedObject(LeakKind Kind, string Handle, string State, long? CreatedAtSequence, string Detail);

/// <summary>How often one event name appears in the journal kept.</summary>
/// <param name="Statuses">Count by status name (events without a status are under "none").</param>
public sealed record OperationCount(string Name, int Count, IReadOnlyDictionary<string, int> Statuses);

/// <summary>The journal range the report read.</summary>
/// <param name="Complete">False when the bounded journal had already dropped older events: counts and creation sequences cover what is kept.</param>
/// <param name="ViolationsRecorded">How many violations the sandbox ever recorded (the list keeps the newest).</param>
public sealed record JournalRange(long OldestSequenceKept, long LastSequence, bool Complete, long ViolationsRecorded);

/// <summary>Builds the report from a sandbox's snapshot, journal and violations; pure, so any journal can be judged.</summary>
public static class ConformanceReports
{
    public const string LeaksCase = "leaks";

    public static ConformanceReport Build(
        string sandboxId, SandboxSnapshot snapshot, IReadOnlyList<NdisEvent> events, IReadOnlyList<Violation> violations)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(violations);
        var grouped = violations
            .GroupBy(v => (v.Rule.Id, v.Severity))
            .Select(g =>
            {
                var rule = g.First().Rule;
                return new RuleViolations(rule.Id, g.Key.Severity, Fails(g.Key.Severity), g.Count(), rule.Summary, rule.Reference, rule.ReferenceUrl,
                    [.. g.Select(v => v.Operation).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                    [.. g.Select(v => v.JournalSequence)], g.First().Detail);
            })
            .OrderByDescending(r => r.Fails).ThenByDescending(r => r.Count).ThenBy(r => r.Rule, StringComparer.Ordinal)
            .ToList();
        var leaks = Leaks(snapshot, events);
        var failing = grouped.Where(r => r.Fails).Select(r => r.Rule).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (leaks.Count > 0)
        {
            failing.Add(LeaksCase);
        }

        var operations = events
            .GroupBy(e => e.Name)
            .OrderBy(g => g.Key)
            .Select(g => new OperationCount(g.Key.ToString(), g.Count(),
                g.GroupBy(e => e.Status?.Name ?? "none").OrderBy(s => s.Key, StringComparer.Ordinal).ToDictionary(s => s.Key, s => s.Count(), StringComparer.Ordinal)))
            .ToList();
        var counters = snapshot.Counters;
        return new ConformanceReport(
            sandboxId, snapshot.Now, failing.Count == 0, failing, Rules.All.Count(r => r.NotDetectedBecause is null), grouped, leaks, operations,
            new JournalRange(counters.OldestEventKept, counters.Events, counters.OldestEventKept <= 1, counters.Violations));
    }

    /// <summary>Error and Reject findings fail the code under test; a Warning (a "should" not followed, or a lenient sandbox's accepted order) does not.</summary>
    public static bool Fails(Severity severity) => severity != Severity.Warning;

    private static List<LeakedObject> Leaks(SandboxSnapshot snapshot, IReadOnlyList<NdisEvent> events)
    {
        long? First(Func<NdisEvent, bool> match) => events.FirstOrDefault(match)?.Sequence;
        long? Last(Func<NdisEvent, bool> match) => events.LastOrDefault(match)?.Sequence;
        var leaks = new List<LeakedObject>();
        foreach (var af in snapshot.AddressFamilies)
        {
            leaks.Add(new(LeakKind.AddressFamily, af.NdisAfHandle, af.State.ToString(), First(e => e.NdisAfHandle == af.NdisAfHandle),
                $"{af.AddressFamily.AddressFamily} opened by the client (clientAfContext {af.ClientAfContext ?? "none"}) and never closed with NdisClCloseAddressFamily."));
        }

        foreach (var sap in snapshot.Saps)
        {
            leaks.Add(new(LeakKind.Sap, sap.NdisSapHandle, sap.State.ToString(), First(e => e.NdisSapHandle == sap.NdisSapHandle),
                $"Registered on {sap.NdisAfHandle} and never deregistered with NdisClDeregisterSap."));
        }

        foreach (var vc in snapshot.Vcs)
        {
            var deleter = vc.Creator == VcCreator.Client ? "NdisCoDeleteVc" : "NdisMCmDeleteVc";
            leaks.Add(new(LeakKind.Vc, vc.NdisVcHandle, vc.CallState.ToString(), First(e => e.NdisVcHandle == vc.NdisVcHandle),
                $"Created by the {vc.Creator} (protocolVcContext {vc.ProtocolVcContext ?? "none"}) and never deleted with {deleter}."));
            if (vc.CallState is not (CallState.Idle or CallState.Closed))
            {
                leaks.Add(new(LeakKind.Call, vc.NdisVcHandle, vc.CallState.ToString(),
                    Last(e => e.NdisVcHandle == vc.NdisVcHandle && e.Name is EventName.NdisClMakeCall or EventName.NdisMCmDispatchIncomingCall),
                    $"The call on {vc.NdisVcHandle} is {vc.CallState}: it was never closed (NdisClCloseCall, then the close completion)."));
            }

            foreach (var party in vc.Parties)
            {
                leaks.Add(new(LeakKind.Party, party.NdisPartyHandle, party.State.ToString(), First(e => e.NdisPartyHandle == party.NdisPartyHandle),
                    $"A party of {vc.NdisVcHandle} never dropped (NdisClDropParty, or the call's close)."));
            }
        }

        foreach (var op in snapshot.PendingOperations)
        {
            leaks.Add(new(LeakKind.PendingOperation, op.PendingOperationId, "Pending", First(e => e.PendingOperationId == op.PendingOperationId),
                $"{op.Handler} pended and {op.Completion} never completed it ({op.CompletedBy} owes it)."));
        }

        return leaks;
    }
}
