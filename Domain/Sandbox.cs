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
    private readonly UndoLog _undo = new();
    private readonly TurnDictionary<string, AddressFamilyOpen> _afs;
    private readonly TurnDictionary<string, ServiceAccessPoint> _saps;
    private readonly TurnDictionary<string, VirtualConnection> _vcs;

    /// <summary>
    /// Every VC in the order its handle was issued, for paging without a scan of all VCs. It may also hold VCs that are
    /// gone (deleted, or created by a turn that rolled back): a reader skips those and compacts the list now and then.
    /// </summary>
    private readonly List<VirtualConnection> _vcsInIssueOrder = [];
    private readonly TurnDictionary<string, Party> _parties;
    private readonly PendingLedger _ledger;
    private readonly Dictionary<CmHandler, HandlerBehavior> _behaviors = new(HandlerBehavior.Defaults);
    private readonly Dictionary<CmHandler, long> _faultDraws = [];
    private readonly Dictionary<string, RoutingRule> _routes = new(StringComparer.Ordinal);
    private readonly Network _network;
    private long _violationSequence;
    private long _pendedCount;

    /// <summary>The due time the host was last told of (<see cref="NextDueChanged"/>).</summary>
    private DateTimeOffset? _announcedDue;

    /// <summary>The turn running now (the last one, between turns).</summary>
    private Turn _turn = new(EventName.NdisMCmRegisterAddressFamilyEx, null, 0);

    /// <summary>How deep the changes running now are nested (a completion inside an advance of the clock, say).</summary>
    private int _changing;

    /// <summary>When the change running now (or the last one) began: on the host's clock, its one time throughout.</summary>
    private DateTimeOffset _changedAt;

    public Sandbox(SandboxOptions? options = null, TimeProvider? time = null, string? handleTag = null)
    {
        Options = options ?? new SandboxOptions();
        var host = time ?? TimeProvider.System;
        _time = Options.VirtualClock ? new VirtualClock(host.GetUtcNow()) : host;
        _afs = new(_undo, StringComparer.Ordinal);
        _saps = new(_undo, StringComparer.Ordinal);
        _vcs = new(_undo, StringComparer.Ordinal);
        _parties = new(_undo, StringComparer.Ordinal);
        _ledger = new PendingLedger(_undo);
        _network = new Network(Options.Profile, undo: _undo);
        _journal = new Journal(Options.JournalCapacity) { Undo = _undo };
        _handles = new HandleIssuer(handleTag ?? HandleIssuer.NewTag());

        // The adapter's registrations happen at one instant, the sandbox's creation, like every other operation.
        using var creating = Changing();
        CreatedAt = _changedAt;
        RegisterAddressFamilies();
    }

    /// <summary>When the sandbox was created: the time of its first events.</summary>
    public DateTimeOffset CreatedAt { get; }

    public SandboxOptions Options { get; }

    /// <summary>The tag in every handle this sandbox issues; a sandbox rebuilt from a log is given the same one.</summary>
    public string HandleTag => _handles.Tag;

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
            using var changing = Changing();
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

    /// <summary>
    /// Called under the sandbox's lock when an operation that may change it has ended (an NDIS function, accepted or
    /// refused, a completion, a behavior, a route, a reset, a clock step): once per outermost operation, in the order
    /// they ran. A durable host records the operation here, so its log has the sandbox's own order.
    /// </summary>
    public Action? Changed { get; set; }

    /// <summary>
    /// When the operation <see cref="Changed"/> reports began. On the host's clock every timestamp and due time of one
    /// operation is this one instant, so an operation replayed with the clock showing it gives the same journal.
    /// </summary>
    public DateTimeOffset ChangedAt => _changedAt;

    /// <summary>
    /// The time an operation reads: on the host's clock, the instant its change began; on a virtual clock, the clock,
    /// which an advance moves within the operation.
    /// </summary>
    private DateTimeOffset CurrentTime => _changing > 0 && _time is not VirtualClock ? _changedAt : _time.GetUtcNow();

    /// <summary>Marks an operation that may change the sandbox; disposed (under the lock) when it ends.</summary>
    private ChangeScope Changing() => new(this);

    private readonly ref struct ChangeScope
    {
        private readonly Sandbox _sandbox;

        public ChangeScope(Sandbox sandbox)
        {
            _sandbox = sandbox;
            if (sandbox._changing++ == 0)
            {
                sandbox._changedAt = sandbox._time.GetUtcNow();
            }
        }

        public void Dispose()
        {
            if (--_sandbox._changing == 0)
            {
                _sandbox.Changed?.Invoke();
            }
        }
    }

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

    /// <summary>
    /// Runs one operation as a turn: checks first, then changes; a refusal leaves everything as it was, and so does a
    /// turn that throws for any other reason (a bug, a subscriber, a host that cannot arm the due time): the objects,
    /// the ledger, the link, the journal and the findings are put back before the exception goes on to the caller.
    /// </summary>
    private Outcome Turn(EventName operation, Func<Outcome> body)
    {
        lock (_gate)
        {
            using var changing = Changing();
            return TurnLocked(operation, body);
        }
    }

    /// <summary>
    /// A turn whose body is a static lambda given its arguments as <paramref name="state"/>: no closure is allocated,
    /// which counts on the operations every client calls at a high rate.
    /// </summary>
    private Outcome Turn<TState>(EventName operation, TState state, Func<Sandbox, TState, Outcome> body)
    {
        lock (_gate)
        {
            using var changing = Changing();
            return TurnLocked(operation, state, body);
        }
    }

    private Outcome TurnLocked(EventName operation, Func<Outcome> body, string? label = null) =>
        TurnLocked(operation, body, static (_, run) => run(), label);

    private Outcome TurnLocked<TState>(EventName operation, TState state, Func<Sandbox, TState, Outcome> body, string? label = null)
    {
        if (!_undo.IsRecording)
        {
            // Before any change of this turn, so a deletion the turn rolls back is never dropped from the index.
            CompactVcIndex();
        }

        var outer = _turn;
        var turn = _turn = new Turn(operation, label, _journal.LastSequence, _undo);
        try
        {
            var outcome = body(this, state);

            // The host re-arms for the new due time within the turn: a host that cannot fails the turn like anything else.
            AnnounceDue();
            turn.Commit();
            if (turn.HasWarnings)
            {
                // The answer carries the warnings as kept: numbered, and placed after the turn's events.
                outcome = outcome with { Warnings = [.. turn.Warnings.Select(Keep)] };
            }

            turn.Keep();
            return outcome;
        }
        catch (RefusedException refused)
        {
            var changedFirst = _journal.LastSequence != turn.JournalMark;
            turn.RollBack();
            AnnounceDue();
            if (changedFirst)
            {
                throw new InvalidOperationException($"{operation} changed the journal before refusing with {refused.Rule.Id}.");
            }

            var violation = Keep(NewViolation(refused.Rule, refused.Rule.Severity, refused.Message));
            return new Outcome { Kind = OutcomeKind.Refused, Violation = violation };
        }
        catch
        {
            turn.RollBack();
            AnnounceDue();
            throw;
        }
        finally
        {
            // A turn inside a turn (a subscriber calling back) hands the outer one back; between turns the last one stays.
            if (_undo.IsRecording)
            {
                _turn = outer;
            }
        }
    }

    /// <summary>
    /// Tells the host of the earliest due self-completion when it is not the one it was last told of (after a rollback:
    /// when a turn inside the turn told it of one the rollback took back).
    /// </summary>
    private void AnnounceDue()
    {
        var due = _ledger.NextDue;
        if (due != _announcedDue)
        {
            NextDueChanged?.Invoke(due);
            _announcedDue = due;
        }
    }

    private NdisEvent Emit(NdisEvent e)
    {
        var appended = _journal.Append(e, CurrentTime);
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
            using var changing = Changing();
            _ledger.Clear();
            AnnounceDue();

            _network.Clear();
            _routes.Clear();
            _faultDraws.Clear();
            _parties.Clear();
            _vcs.Clear();
            _vcsInIssueOrder.Clear();
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
