namespace NdisMock.Domain;

/// <summary>A sandbox's whole state at one instant.</summary>
public sealed record SandboxSnapshot(
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
    IReadOnlyList<PendingOperationView> PendingOperations,
    SandboxCounters Counters);

public sealed record AddressFamilyView(string NdisAfHandle, CoAddressFamily AddressFamily, AfState State, string? ClientAfContext, string? CallMgrAfContext);

public sealed record SapView(string NdisSapHandle, string NdisAfHandle, Sap Sap, SapState State, string? ProtocolSapContext, string? CallMgrSapContext);

public sealed record VcView(
    string NdisVcHandle,
    string NdisAfHandle,
    VcCreator Creator,
    Activation Activation,
    CallState CallState,
    bool Closing,
    bool Multipoint,
    bool QosChangePending,
    string? ProtocolVcContext,
    string? CallMgrVcContext,
    CallParameters? CallParameters,
    CallParameters? ActiveParameters,
    IReadOnlyList<PartyView> Parties);

public sealed record PartyView(string NdisPartyHandle, PartyState State, string? ProtocolPartyContext, string? CallMgrPartyContext);

/// <summary>A request that a handler pended and that waits for its completion.</summary>
public sealed record PendingOperationView(
    string PendingOperationId,
    EventName Handler,
    EventName Completion,
    Role CompletedBy,
    DateTimeOffset CreatedAt,
    string? NdisAfHandle,
    string? NdisSapHandle,
    string? NdisVcHandle,
    string? NdisPartyHandle,
    CallParameters? CallParameters,
    bool SelfCompletes);

public sealed record SandboxCounters(long Events, long OldestEventKept, long Violations, int AddressFamilies, int Saps, int Vcs, int Parties, int PendingOperations);

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
        new(_journal.LastSequence, _journal.FirstRetained, _violationSequence, _afs.Count, _saps.Count, _vcs.Count, _parties.Count, _pendingById.Count);

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
                [.. _pendingById.Values.Select(View)],
                CountersLocked());
        }
    }

    private VcView View(VirtualConnection vc) => new(
        vc.Handle, vc.Af.Handle, vc.Creator, vc.Activation, vc.Call.State, vc.IsClosing, vc.IsMultipoint,
        _pendingByKey.ContainsKey((EventName.ProtocolCmModifyCallQoS, vc.Handle)),
        vc.ProtocolVcContext, vc.CallMgrVcContext, vc.CallParameters, vc.ActiveParameters,
        [.. vc.Parties.Select(p => new PartyView(p.Handle, p.State, p.ProtocolPartyContext, p.CallMgrPartyContext))]);

    private static PendingOperationView View(PendingOperation op) => new(
        op.Id, op.Handler, op.Completion, op.CompletedBy, op.CreatedAt, op.AfHandle, op.SapHandle, op.VcHandle, op.PartyHandle,
        op.CallParameters, op.SelfCompletion is not null);

    /// <summary>The pending request with that id, or null when there is none (never issued, or completed).</summary>
    public PendingOperationView? GetPendingOperation(string pendingOperationId)
    {
        lock (_gate)
        {
            return _pendingById.TryGetValue(pendingOperationId, out var op) ? View(op) : null;
        }
    }

    public IReadOnlyList<PendingOperationView> ListPendingOperations()
    {
        lock (_gate)
        {
            return [.. _pendingById.Values.Select(View)];
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

    /// <summary>
    /// Forgets every address family, SAP, VC, party and pending request and restores the default behaviors; the
    /// journal, the violations and the handle counters go on, so no sequence number or handle is ever reused.
    /// </summary>
    public void Reset()
    {
        lock (_gate)
        {
            foreach (var op in _pendingById.Values)
            {
                op.SelfCompletion?.Dispose();
            }

            _pendingById.Clear();
            _pendingByKey.Clear();
            _network.Clear();
            _routes.Clear();
            _faultDraws.Clear();
            _parties.Clear();
            _vcs.Clear();
            _saps.Clear();
            _afs.Clear();
            _registered.Clear();
            _behaviors.Clear();
            foreach (var (handler, behavior) in HandlerBehavior.Defaults)
            {
                _behaviors[handler] = behavior;
            }

            RegisterAddressFamilies();
        }
    }
}
