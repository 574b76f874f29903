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

    public SandboxSnapshot GetSnapshot()
    {
        lock (_gate)
        {
            return new SandboxSnapshot(
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
                [.. _vcs.Values.Select(View)],
                [.. _ledger.All.Select(View)],
                CountersLocked());
        }
    }

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
