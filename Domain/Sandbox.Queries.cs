namespace NdisMock.Domain;

// Queries: the sandbox's state, counters, pending requests, journal and findings, read under its lock.
public sealed partial class Sandbox
{
    /// <summary>The counters alone, cheap enough for metrics and listings.</summary>
    public SandboxCounters Counters
    {
        get
        {
            lock (_gate)
            {
                return CountersLocked();
            }
        }
    }

    private SandboxCounters CountersLocked() =>
        new(_journal.LastSequence, _journal.FirstRetained, _violationSequence, _afs.Count, _saps.Count, _vcs.Count, _parties.Count, _ledger.Count);

    public SandboxSnapshot GetSnapshot() => GetSnapshotPage(null, int.MaxValue).Snapshot;

    /// <summary>
    /// The snapshot with at most <paramref name="limit"/> VCs and pending requests: all of them, as they are, when they
    /// fit; otherwise the VCs issued after <paramref name="vcsAfter"/> in issue order, with the handle to go on after, and
    /// the first pending requests. Only the page is copied, so a sandbox of many VCs costs a read no more than a page.
    /// </summary>
    public (SandboxSnapshot Snapshot, string? NextVcAfter, bool PendingTruncated) GetSnapshotPage(string? vcsAfter, int limit)
    {
        lock (_gate)
        {
            VirtualConnection[] vcs;
            string? next = null;
            if (vcsAfter is null && _vcs.Count <= limit)
            {
                vcs = [.. _vcs.Values];
            }
            else
            {
                // Handles are issued in increasing order, so the page is the next live VCs after the cursor's place.
                var cursor = vcsAfter is null ? 0 : IssueNumber(vcsAfter);
                var page = new List<VirtualConnection>(Math.Min(limit, _vcs.Count));
                var at = FirstIssuedAfter(cursor);
                for (; at < _vcsInIssueOrder.Count && page.Count < limit; at++)
                {
                    if (IsLive(_vcsInIssueOrder[at]))
                    {
                        page.Add(_vcsInIssueOrder[at]);
                    }
                }

                while (at < _vcsInIssueOrder.Count && !IsLive(_vcsInIssueOrder[at]))
                {
                    at++;
                }

                vcs = [.. page];
                next = at < _vcsInIssueOrder.Count && vcs.Length > 0 ? vcs[^1].Handle : null;
            }

            var pending = _ledger.Count <= limit
                ? [.. _ledger.All]
                : _ledger.All.OrderBy(p => IssueNumber(p.Id)).Take(limit).ToArray();
            return (new SandboxSnapshot(
                Options.Profile,
                _network.View,
                RoutesInOrder(),
                Options.VirtualClock,
                _time.GetUtcNow(),
                Options.Duties,
                Options.Strictness,
                Options.AlwaysPend,
                [.. _registered.Order().Select(f => f == AddressFamilyType.Q2931 ? CoAddressFamily.Q2931 : CoAddressFamily.Tapi)],
                [.. _afs.Values.Select(a => new AddressFamilyView(a.Handle, a.Family, a.State, a.ClientAfContext, a.CallMgrAfContext))],
                [.. _saps.Values.Select(s => new SapView(s.Handle, s.Af.Handle, s.Sap, s.State, s.ProtocolSapContext, s.CallMgrSapContext))],
                [.. vcs.Select(View)],
                [.. pending.Select(View)],
                CountersLocked()), next, pending.Length < _ledger.Count);
        }
    }

    /// <summary>The VC is this sandbox's VC of that handle now (not deleted, not from a turn that rolled back).</summary>
    private bool IsLive(VirtualConnection vc) => _vcs.TryGetValue(vc.Handle, out var live) && ReferenceEquals(live, vc);

    /// <summary>The index in <see cref="_vcsInIssueOrder"/> of the first VC issued after number <paramref name="cursor"/>.</summary>
    private int FirstIssuedAfter(long cursor)
    {
        int low = 0, high = _vcsInIssueOrder.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (IssueNumber(_vcsInIssueOrder[middle].Handle) <= cursor)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>
    /// Drops VCs that are gone from the index once they are the larger part of it (amortized: the index stays within
    /// twice the live VCs). Only between turns (before one starts, or in a read), so a turn that rolls back a deletion
    /// finds its VC still indexed.
    /// </summary>
    private void CompactVcIndex()
    {
        if (_vcsInIssueOrder.Count > (2 * _vcs.Count) + 64)
        {
            _vcsInIssueOrder.RemoveAll(vc => !IsLive(vc));
        }
    }

    /// <summary>The counter at the end of a handle (vc-k3x9m2pq-12 → 12); 0 when it has none.</summary>
    private static long IssueNumber(string handle) =>
        long.TryParse(handle.AsSpan(handle.LastIndexOf('-') + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;

    private VcView View(VirtualConnection vc) => new(
        vc.Handle, vc.Af.Handle, vc.Creator, vc.Activation, vc.Call.State, vc.IsClosing, vc.IsMultipoint,
        _ledger.Contains(EventName.ProtocolCmModifyCallQoS, vc.Handle),
        vc.ProtocolVcContext, vc.CallMgrVcContext, vc.CallParameters, vc.ActiveParameters,
        [.. vc.Parties.Select(p => new PartyView(p.Handle, p.State, p.ProtocolPartyContext, p.CallMgrPartyContext))]);

    private static PendingOperationView View(PendingOperation op) => new(
        op.Id, op.Handler, op.Completion, op.CompletedBy, op.CreatedAt, op.AfHandle, op.SapHandle, op.VcHandle, op.PartyHandle,
        op.CallParameters, op.SelfCompletes);

    /// <summary>The pending request with that id, or null when there is none (never issued, or completed).</summary>
    public PendingOperationView? GetPendingOperation(string pendingOperationId)
    {
        lock (_gate)
        {
            return _ledger.TryGet(pendingOperationId, out var op) ? View(op) : null;
        }
    }

    public IReadOnlyList<PendingOperationView> ListPendingOperations()
    {
        lock (_gate)
        {
            return [.. _ledger.All.Select(View)];
        }
    }

    /// <summary>Journal events after sequence <paramref name="after"/>, oldest first.</summary>
    public IReadOnlyList<NdisEvent> GetEvents(long after, int max = int.MaxValue)
    {
        lock (_gate)
        {
            return _journal.After(after, max);
        }
    }

    /// <summary>The oldest journal sequence still kept; asking for events before it means some were dropped.</summary>
    public long OldestEventKept
    {
        get
        {
            lock (_gate)
            {
                return _journal.FirstRetained;
            }
        }
    }

    /// <summary>Recorded violations after sequence <paramref name="after"/>, oldest first.</summary>
    public IReadOnlyList<Violation> GetViolations(long after = 0)
    {
        lock (_gate)
        {
            return [.. _violations.Where(v => v.Sequence > after)];
        }
    }
}
