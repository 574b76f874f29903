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

    /// <summary>The host's clock: what callers wait on, even when the sandbox keeps virtual time.</summary>
    private readonly TimeProvider _hostTime;
    private readonly Journal _journal;
    private readonly HandleIssuer _handles;
    private readonly Queue<Violation> _violations = new();
    private readonly List<Violation> _turnWarnings = [];
    private readonly HashSet<AddressFamilyType> _registered = [];
    private readonly Dictionary<string, AddressFamilyOpen> _afs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServiceAccessPoint> _saps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VirtualConnection> _vcs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Party> _parties = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingOperation> _pendingById = new(StringComparer.Ordinal);
    private readonly Dictionary<(EventName Handler, string Handle), PendingOperation> _pendingByKey = [];
    private readonly Dictionary<CmHandler, HandlerBehavior> _behaviors = new(HandlerBehavior.Defaults);
    private readonly List<TaskCompletionSource> _eventWaiters = [];
    private readonly List<Action> _turnCommits = [];
    private readonly Dictionary<CmHandler, long> _faultDraws = [];
    private readonly Dictionary<string, RoutingRule> _routes = new(StringComparer.Ordinal);
    private readonly Network _network;
    private long _violationSequence;
    private EventName _operation;
    private string? _operationLabel;

    public Sandbox(SandboxOptions? options = null, TimeProvider? time = null, string? handleTag = null)
    {
        Options = options ?? new SandboxOptions();
        _hostTime = time ?? TimeProvider.System;
        _time = Options.VirtualClock ? new VirtualClock(_hostTime.GetUtcNow()) : _hostTime;
        _network = new Network(Options.Profile);
        _journal = new Journal(Options.JournalCapacity);
        _handles = new HandleIssuer(handleTag ?? HandleIssuer.NewTag());
        RegisterAddressFamilies();
    }

    public SandboxOptions Options { get; }

    /// <summary>The sandbox's time: the host's, or its virtual clock's.</summary>
    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>
    /// Moves a virtual clock forward, firing every self-completion due on the way in order. Null when the sandbox runs
    /// on the host's clock; otherwise how many timers fired.
    /// </summary>
    public int? AdvanceClock(TimeSpan by) => _time is VirtualClock clock ? clock.Advance(by) : null;

    /// <summary>Sets the routing rule for a called address; false (nothing changed) when a new address would pass MaxRoutes.</summary>
    public bool SetRoute(RoutingRule route)
    {
        ArgumentNullException.ThrowIfNull(route);
        lock (_gate)
        {
            if (_routes.Count >= Options.MaxRoutes && !_routes.ContainsKey(route.CalledAddress))
            {
                return false;
            }

            _routes[route.CalledAddress] = route;
            return true;
        }
    }

    public bool RemoveRoute(string calledAddress)
    {
        lock (_gate)
        {
            return _routes.Remove(calledAddress);
        }
    }

    public IReadOnlyList<RoutingRule> GetRoutes()
    {
        lock (_gate)
        {
            return RoutesInOrder();
        }
    }

    private RoutingRule[] RoutesInOrder() => [.. _routes.Values.OrderBy(r => r.CalledAddress, StringComparer.Ordinal)];

    /// <summary>The rule for the address a call is made to, if there is one.</summary>
    private RoutingRule? RouteFor(CallParameters parameters)
    {
        var called = parameters.CallMgrParameters?.Q2931?.CalledParty?.Address ?? parameters.CallMgrParameters?.Tapi?.DestAddress;
        return called is not null && _routes.TryGetValue(called, out var route) ? route : null;
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
        _operation = operation;
        _operationLabel = label;
        _turnWarnings.Clear();
        _turnCommits.Clear();
        var sequenceBefore = _journal.LastSequence;
        try
        {
            var outcome = body();
            foreach (var commit in _turnCommits)
            {
                commit();
            }

            if (_turnWarnings.Count == 0)
            {
                return outcome;
            }

            // The answer carries the warnings as kept: numbered, and placed after the turn's events.
            return outcome with { Warnings = [.. _turnWarnings.Select(Keep)] };
        }
        catch (RefusedException refused)
        {
            if (_journal.LastSequence != sequenceBefore)
            {
                throw new InvalidOperationException($"{operation} changed the journal before refusing with {refused.Rule.Id}.");
            }

            var violation = Keep(NewViolation(refused.Rule, refused.Rule.Severity, refused.Message));
            return new Outcome { Kind = OutcomeKind.Refused, Status = refused.Rule.Result ?? default, Violation = violation };
        }
    }

    /// <summary>Refuses the current operation with an Error-class rule unless <paramref name="condition"/> holds.</summary>
    private static void Require(bool condition, Rule rule, string detail)
    {
        if (!condition)
        {
            throw new RefusedException(rule, detail);
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
    private void Warn(Rule rule, string detail) => _turnWarnings.Add(NewViolation(rule, Severity.Warning, detail));

    /// <summary>For the ordering rules left to strictness (docs/rules.md#v-call-03, #v-call-06): refuse when strict, warn when lenient.</summary>
    private void RequireOrderly(bool condition, Rule rule, string detail)
    {
        if (condition)
        {
            return;
        }

        if (Options.Strictness == Strictness.Strict)
        {
            throw Refuse(rule, detail);
        }

        Warn(rule, detail + " (accepted: lenient sandbox)");
    }

    private Violation NewViolation(Rule rule, Severity severity, string detail) =>
        new(0, _time.GetUtcNow(), rule, severity, OperationName, detail);

    /// <summary>The function the current turn serves, as findings name it.</summary>
    private string OperationName => _operationLabel ?? _operation.ToString();

    private Violation Keep(Violation violation)
    {
        var kept = violation with { Sequence = ++_violationSequence, JournalSequence = _journal.LastSequence };
        _violations.Enqueue(kept);
        while (_violations.Count > Options.ViolationCapacity)
        {
            _violations.Dequeue();
        }

        return kept;
    }

    private NdisEvent Emit(NdisEvent e)
    {
        var appended = _journal.Append(e, _time.GetUtcNow());
        EventAppended?.Invoke(appended);
        if (_eventWaiters.Count > 0)
        {
            foreach (var waiter in _eventWaiters)
            {
                waiter.TrySetResult();
            }

            _eventWaiters.Clear();
        }

        return appended;
    }

    /// <summary>
    /// Waits until the journal holds an event after <paramref name="after"/>, or until <paramref name="timeout"/> has
    /// passed on the host's clock (a virtual clock never moves by itself). True when there is such an event.
    /// </summary>
    public async Task<bool> WaitForEventAfterAsync(long after, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource appended;
        lock (_gate)
        {
            if (_journal.LastSequence > after)
            {
                return true;
            }

            if (timeout <= TimeSpan.Zero)
            {
                return false;
            }

            appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _eventWaiters.Add(appended);
        }

        try
        {
            await appended.Task.WaitAsync(timeout, _hostTime, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _eventWaiters.Remove(appended);
                return _journal.LastSequence > after;
            }
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                _eventWaiters.Remove(appended);
            }

            throw;
        }
    }

    private static Outcome Completed(NdisStatus status) => new() { Kind = OutcomeKind.Completed, Status = status };

    private static Outcome Pended(PendingOperation op) =>
        new() { Kind = OutcomeKind.Pended, Status = NdisStatuses.Pending, PendingOperationId = op.Id };

    /// <summary>
    /// How a handler answers this request, its failure injection applied; a pending answer needs room in the ledger,
    /// checked before anything changes. Counting down an injected failure takes effect only if the turn succeeds.
    /// </summary>
    private HandlerBehavior Behavior(CmHandler handler)
    {
        var behavior = _behaviors[handler];
        var fail = false;
        if (behavior.FailNext > 0)
        {
            fail = true;
            _turnCommits.Add(() => _behaviors[handler] = _behaviors[handler] with { FailNext = _behaviors[handler].FailNext - 1 });
        }
        else if (behavior.FaultRate > 0)
        {
            var draw = _faultDraws.GetValueOrDefault(handler);
            _turnCommits.Add(() => _faultDraws[handler] = draw + 1);
            fail = new Random(unchecked((behavior.FaultSeed * 7919) + (int)draw)).NextDouble() < behavior.FaultRate;
        }

        if (fail)
        {
            var status = behavior.FailStatus ?? NdisStatuses.Failure;
            behavior = behavior is { Mode: BehaviorMode.Pend, CompleteAfter: not null }
                ? behavior with { Status = status }
                : HandlerBehavior.CompleteWith(status);
        }

        if (behavior.Mode == BehaviorMode.Pend)
        {
            RequirePendingRoom();
        }

        return behavior;
    }

    private void RequirePendingRoom() =>
        Require(_pendingById.Count < Options.MaxPendingOperations, Rules.PendingQuota,
            $"{_pendingById.Count} requests are pending, the most this sandbox allows ({Options.MaxPendingOperations}).");

    private void RequireAfRoom() =>
        Require(_afs.Count < Options.MaxAddressFamilies, Rules.AddressFamilyQuota,
            $"The sandbox holds {_afs.Count} address family opens, the most it allows ({Options.MaxAddressFamilies}).");

    private void RequireSapRoom() =>
        Require(_saps.Count < Options.MaxSaps, Rules.SapQuota, $"The sandbox holds {_saps.Count} SAPs, the most it allows ({Options.MaxSaps}).");

    private void RequirePartyRoom() =>
        Require(_parties.Count < Options.MaxParties, Rules.PartyQuota, $"The sandbox holds {_parties.Count} parties, the most it allows ({Options.MaxParties}).");

    private void RequireVcRoom() =>
        Require(_vcs.Count < Options.MaxVcs, Rules.VcQuota, $"The sandbox holds {_vcs.Count} VCs, the most it allows ({Options.MaxVcs}).");

    private void RegisterAddressFamilies()
    {
        foreach (var family in new[] { CoAddressFamily.Q2931, CoAddressFamily.Tapi })
        {
            TurnLocked(EventName.NdisMCmRegisterAddressFamilyEx, () => RegisterAddressFamily(family));
        }
    }

    // ---- Lookups: each turns a handle into its object or refuses with the rule for a foreign or dead handle. ----

    private void RequireHandle(string? handle, string what)
    {
        Require(!string.IsNullOrEmpty(handle), Rules.UnknownHandle, $"{OperationName} needs {what}.");
    }

    /// <summary>The AF open named by the handle, or null when it was issued here but has closed.</summary>
    private AddressFamilyOpen? FindAf(string? handle)
    {
        RequireHandle(handle, "an NdisAfHandle");
        if (_afs.TryGetValue(handle!, out var af))
        {
            return af;
        }

        Require(_handles.WasIssued(HandleKind.Af, handle!), Rules.UnknownHandle, $"{handle} is not an NdisAfHandle of this sandbox.");
        return null;
    }

    /// <summary>The AF open as the MCM sees it: using it after its close completed is V-AF-04.</summary>
    private AddressFamilyOpen AfForMcm(string? handle) =>
        FindAf(handle) ?? throw Refuse(Rules.AddressFamilyUsedAfterClose, $"{handle} was closed; the MCM may not use it after NdisMCmCloseAddressFamilyComplete.");

    private ServiceAccessPoint SapOf(string? handle)
    {
        RequireHandle(handle, "an NdisSapHandle");
        if (_saps.TryGetValue(handle!, out var sap))
        {
            return sap;
        }

        Require(_handles.WasIssued(HandleKind.Sap, handle!), Rules.UnknownHandle, $"{handle} is not an NdisSapHandle of this sandbox.");
        throw Refuse(Rules.StaleHandle, $"SAP {handle} is deregistered; its handle is no longer valid.");
    }

    private VirtualConnection VcOf(string? handle)
    {
        RequireHandle(handle, "an NdisVcHandle");
        if (_vcs.TryGetValue(handle!, out var vc))
        {
            return vc;
        }

        Require(_handles.WasIssued(HandleKind.Vc, handle!), Rules.UnknownHandle, $"{handle} is not an NdisVcHandle of this sandbox.");
        throw Refuse(Rules.DeletedVcUsed, $"VC {handle} was deleted; its handle is no longer valid.");
    }

    private Party PartyOf(string? handle)
    {
        RequireHandle(handle, "an NdisPartyHandle");
        if (_parties.TryGetValue(handle!, out var party))
        {
            return party;
        }

        Require(_handles.WasIssued(HandleKind.Party, handle!), Rules.UnknownHandle, $"{handle} is not an NdisPartyHandle of this sandbox.");
        throw Refuse(Rules.DroppedPartyUsed, $"Party {handle} is gone; its handle is no longer valid.");
    }

    private PendingOperation PendingOf(string? id)
    {
        RequireHandle(id, "a pendingOperationId");
        if (_pendingById.TryGetValue(id!, out var op))
        {
            return op;
        }

        Require(_handles.WasIssued(HandleKind.PendingOperation, id!), Rules.UnknownHandle, $"{id} is not a pending operation of this sandbox.");
        throw Refuse(Rules.CompletionWithoutRequest, $"{id} is no longer pending: it was already completed (a request is completed exactly once), or ResetSandbox forgot it.");
    }

    /// <summary>The request <paramref name="handler"/> pended for <paramref name="handle"/>, or a V-CMP-02 refusal.</summary>
    private PendingOperation PendedBy(EventName handler, string handle) =>
        _pendingByKey.TryGetValue((handler, handle), out var op)
            ? op
            : throw Refuse(Rules.CompletionWithoutRequest, $"{OperationName}: {handler} has no pended request for {handle} (never pended, or already completed).");

    private static void RequireNotPending(NdisStatus status) =>
        Require(!status.IsPending, Rules.CompletionWithPending, "A completion's status must not be NDIS_STATUS_PENDING.");
}
