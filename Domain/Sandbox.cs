namespace NdisMock.Domain;

/// <summary>
/// One simulated CoNDIS adapter whose miniport call manager has registered the Q.2931 (ATM) and TAPI (ISDN)
/// address families, with NDIS mediating between that MCM and the client. Every public operation is one NDIS
/// function of either role and runs as one turn under the sandbox's own lock, so the state machines never see
/// concurrency while different sandboxes run in parallel.
/// </summary>
public sealed partial class Sandbox
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Journal _journal;
    private readonly HandleIssuer _handles;
    private readonly Queue<Violation> _violations = new();
    private readonly HashSet<AddressFamilyType> _registered = [];
    private readonly Dictionary<string, AddressFamilyOpen> _afs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServiceAccessPoint> _saps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VirtualConnection> _vcs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Party> _parties = new(StringComparer.Ordinal);
    private readonly PendingLedger _ledger = new();
    private readonly Dictionary<CmHandler, HandlerBehavior> _behaviors = new(HandlerBehavior.Defaults);
    private readonly Dictionary<CmHandler, long> _faultDraws = [];
    private readonly Dictionary<string, RoutingRule> _routes = new(StringComparer.Ordinal);
    private readonly Network _network;
    private long _violationSequence;
    private long _pendedCount;

    /// <summary>The turn running now (the last one, between turns).</summary>
    private Turn _turn = new(EventName.NdisMCmRegisterAddressFamilyEx, null, 0);

    public Sandbox(SandboxOptions? options = null, TimeProvider? time = null, string? handleTag = null)
    {
        Options = options ?? new SandboxOptions();
        var host = time ?? TimeProvider.System;
        _time = Options.VirtualClock ? new VirtualClock(host.GetUtcNow()) : host;
        _network = new Network(Options.Profile);
        _journal = new Journal(Options.JournalCapacity);
        _handles = new HandleIssuer(handleTag ?? HandleIssuer.NewTag());
        RegisterAddressFamilies();
    }

    public SandboxOptions Options { get; }

    /// <summary>The sandbox's time: the host's, or its virtual clock's.</summary>
    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>
    /// Moves a virtual clock forward, completing every self-completion due on the way, in due order, each at its due
    /// time. Null when the sandbox runs on the host's clock; otherwise how many fell due.
    /// </summary>
    public int? AdvanceClock(TimeSpan by)
    {
        if (_time is not VirtualClock clock)
        {
            return null;
        }

        lock (_gate)
        {
            var target = clock.GetUtcNow() + by;
            var fired = 0;
            while (_ledger.NextDue is { } due && due <= target)
            {
                clock.Advance(due - clock.GetUtcNow());
                fired += CompleteDue(due);
            }

            clock.Advance(target - clock.GetUtcNow());
            return fired;
        }
    }

    /// <summary>Raised, under the sandbox's lock and in sequence order, for every event appended to the journal.</summary>
    public event Action<NdisEvent>? EventAppended;

    /// <summary>The newest journal sequence number.</summary>
    public long LastSequence
    {
        get
        {
            lock (_gate)
            {
                return _journal.LastSequence;
            }
        }
    }

    /// <summary>Runs one operation as a turn: checks first, then changes; a refusal leaves everything as it was.</summary>
    private Outcome Turn(EventName operation, Func<Outcome> body)
    {
        lock (_gate)
        {
            return TurnLocked(operation, body);
        }
    }

    private Outcome TurnLocked(EventName operation, Func<Outcome> body, string? label = null)
    {
        var dueBefore = _ledger.NextDue;
        var turn = _turn = new Turn(operation, label, _journal.LastSequence);
        try
        {
            var outcome = body();
            foreach (var commit in turn.Commits)
            {
                commit();
            }

            if (turn.Warnings.Count == 0)
            {
                return outcome;
            }

            // The answer carries the warnings as kept: numbered, and placed after the turn's events.
            return outcome with { Warnings = [.. turn.Warnings.Select(Keep)] };
        }
        catch (RefusedException refused)
        {
            if (_journal.LastSequence != turn.JournalMark)
            {
                throw new InvalidOperationException($"{operation} changed the journal before refusing with {refused.Rule.Id}.");
            }

            var violation = Keep(NewViolation(refused.Rule, refused.Rule.Severity, refused.Message));
            return new Outcome { Kind = OutcomeKind.Refused, Violation = violation };
        }
        finally
        {
            if (_ledger.NextDue != dueBefore)
            {
                NextDueChanged?.Invoke(_ledger.NextDue);
            }
        }
    }

    private NdisEvent Emit(NdisEvent e)
    {
        var appended = _journal.Append(e, _time.GetUtcNow());
        EventAppended?.Invoke(appended);
        return appended;
    }

    private void RegisterAddressFamilies()
    {
        foreach (var family in new[] { CoAddressFamily.Q2931, CoAddressFamily.Tapi })
        {
            TurnLocked(EventName.NdisMCmRegisterAddressFamilyEx, () => RegisterAddressFamily(family));
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
            var dueBefore = _ledger.NextDue;
            _ledger.Clear();
            if (dueBefore is not null)
            {
                NextDueChanged?.Invoke(null);
            }

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
