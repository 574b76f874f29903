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
                // The limit + 1 lowest issue numbers after the cursor, kept in a bounded heap: one pass, no copy of the whole set.
                var cursor = vcsAfter is null ? 0 : IssueNumber(vcsAfter);
                var lowest = new PriorityQueue<VirtualConnection, long>(limit + 1, Comparer<long>.Create((a, b) => b.CompareTo(a)));
                foreach (var vc in _vcs.Values)
                {
                    var number = IssueNumber(vc.Handle);
                    if (number <= cursor)
                    {
                        continue;
                    }

                    if (lowest.Count <= limit)
                    {
                        lowest.Enqueue(vc, number);
                    }
                    else if (lowest.TryPeek(out _, out var highest) && number < highest)
                    {
                        lowest.EnqueueDequeue(vc, number);
                    }
                }

                var more = lowest.Count > limit;
                if (more)
                {
                    lowest.Dequeue();
                }

                vcs = new VirtualConnection[lowest.Count];
                for (var i = vcs.Length - 1; i >= 0; i--)
                {
                    vcs[i] = lowest.Dequeue();
                }

                next = more ? vcs[^1].Handle : null;
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
