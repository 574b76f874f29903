namespace NdisMock.Domain;

// The pending ledger's side of the sandbox: what each pending handler is completed by, and the completions the MCM
// makes by itself when they fall due.
public sealed partial class Sandbox
{
    /// <summary>How a request pended by a handler is completed: by which function, whose, and with which of its handles.</summary>
    private sealed record PendingKind(EventName Completion, Role CompletedBy, Func<Sandbox, PendingOperation, Completing, Outcome> Complete);

    /// <summary>What a completion of a pended request is given: its status, the completer's call parameters, and who calls it.</summary>
    private readonly record struct Completing(NdisStatus Status, CallParameters? Parameters, bool ByMcmItself);

    /// <summary>
    /// The one table from each handler that pends to the function that completes it (NdisMCm…Complete for the MCM's
    /// handlers, NdisCl…Complete for the client's callbacks), passing the handles of the pended request.
    /// </summary>
    private static readonly IReadOnlyDictionary<EventName, PendingKind> Completions = new Dictionary<EventName, PendingKind>
    {
        [EventName.ProtocolCmOpenAf] = new(EventName.NdisMCmOpenAddressFamilyComplete, Role.Mcm,
            static (s, op, c) => s.OpenAddressFamilyComplete(c.Status, op.AfHandle, $"cm-{op.AfHandle}")),
        [EventName.ProtocolCmCloseAf] = new(EventName.NdisMCmCloseAddressFamilyComplete, Role.Mcm,
            static (s, op, c) => s.CloseAddressFamilyComplete(c.Status, op.AfHandle)),
        [EventName.ProtocolCmRegisterSap] = new(EventName.NdisMCmRegisterSapComplete, Role.Mcm,
            static (s, op, c) => s.RegisterSapComplete(c.Status, op.SapHandle, $"cm-{op.SapHandle}")),
        [EventName.ProtocolCmDeregisterSap] = new(EventName.NdisMCmDeregisterSapComplete, Role.Mcm,
            static (s, op, c) => s.DeregisterSapComplete(c.Status, op.SapHandle)),
        [EventName.ProtocolCmMakeCall] = new(EventName.NdisMCmMakeCallComplete, Role.Mcm,
            static (s, op, c) => s.MakeCallComplete(c.Status, op.VcHandle, op.PartyHandle, PartyContext(op, c), c.Parameters, s.Duties(c), c.Status.IsSuccess ? null : op.Cause)),
        [EventName.ProtocolCmCloseCall] = new(EventName.NdisMCmCloseCallComplete, Role.Mcm,
            static (s, op, c) => s.CloseCallComplete(c.Status, op.VcHandle, op.PartyHandle, s.Duties(c))),
        [EventName.ProtocolCmAddParty] = new(EventName.NdisMCmAddPartyComplete, Role.Mcm,
            static (s, op, c) => s.AddPartyComplete(c.Status, op.PartyHandle, PartyContext(op, c), c.Parameters)),
        [EventName.ProtocolCmDropParty] = new(EventName.NdisMCmDropPartyComplete, Role.Mcm,
            static (s, op, c) => s.DropPartyComplete(c.Status, op.PartyHandle)),
        [EventName.ProtocolCmModifyCallQoS] = new(EventName.NdisMCmModifyCallQoSComplete, Role.Mcm,
            static (s, op, c) => s.ModifyCallQoSComplete(c.Status, op.VcHandle, c.Parameters, s.Duties(c))),
        [EventName.ProtocolClIncomingCall] = new(EventName.NdisClIncomingCallComplete, Role.Client,
            static (s, op, c) => s.IncomingCallComplete(c.Status, op.VcHandle, c.Parameters)),
        [EventName.ProtocolClNotifyCloseAf] = new(EventName.NdisClNotifyCloseAddressFamilyComplete, Role.Client,
            static (s, op, c) => s.NotifyCloseAddressFamilyComplete(op.AfHandle, c.Status)),
    };

    /// <summary>Raised, under the sandbox's lock, when the earliest due self-completion changed: the host re-arms for it.</summary>
    public event Action<DateTimeOffset?>? NextDueChanged;

    /// <summary>The earliest time the MCM completes a pended request by itself, or null when none is due.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (_gate)
            {
                return _ledger.NextDue;
            }
        }
    }

    /// <summary>
    /// Has the MCM complete by itself, in due order, every pended request its behavior completes by <paramref name="now"/>;
    /// each is tried once, as its own turn. Returns how many were tried. The host calls it when <see cref="NextDue"/> comes.
    /// </summary>
    public int CompleteDue(DateTimeOffset now)
    {
        lock (_gate)
        {
            using var changing = Changing();
            return CompleteDueLocked(now);
        }
    }

    /// <summary>
    /// As <see cref="CompleteDue(DateTimeOffset)"/>, by the sandbox's own time: what the host's timer calls, so that the
    /// one instant the change began decides what is due, and a replay of it with the clock showing that instant decides
    /// the same.
    /// </summary>
    public int CompleteDue()
    {
        lock (_gate)
        {
            using var changing = Changing();
            return CompleteDueLocked(CurrentTime);
        }
    }

    private int CompleteDueLocked(DateTimeOffset now)
    {
        var tried = 0;
        try
        {
            // Taken off the due list outside the turn: a completion that fails is not tried again (its turn rolls back).
            while (_ledger.TakeFirstDue(now) is { } op)
            {
                tried++;
                TurnLocked(op.Completion, () => CompletePending(op, new Completing(op.DueStatus, null, ByMcmItself: true)));
            }
        }
        finally
        {
            // Even when one failed: the host re-arms for what is still due.
            AnnounceDue();
        }

        return tried;
    }

    /// <summary>Puts a request in the pending ledger; with a self-completing behavior, with the time it falls due.</summary>
    private PendingOperation Pend(
        EventName handler,
        string keyHandle,
        HandlerBehavior? behavior = null,
        AddressFamilyOpen? af = null,
        string? sap = null,
        string? vc = null,
        string? party = null,
        CallParameters? parameters = null,
        long activationCount = 0,
        byte? cause = null)
    {
        var kind = Completions[handler];
        var now = CurrentTime;
        var selfCompletes = behavior is { Mode: BehaviorMode.Pend, CompleteAfter: not null };
        var op = new PendingOperation(_handles.Next(HandleKind.PendingOperation), handler, keyHandle, kind.Completion, kind.CompletedBy, now)
        {
            Af = af,
            AfHandle = af?.Handle,
            SapHandle = sap,
            VcHandle = vc,
            PartyHandle = party,
            CallParameters = parameters,
            ActivationCountAtRequest = activationCount,
            Cause = cause,
            SelfCompletes = selfCompletes,
            Due = selfCompletes ? now + behavior!.CompleteAfter!.Value : null,
            DueStatus = behavior?.Status ?? NdisStatuses.Success,
            Order = ++_pendedCount,
        };
        _ledger.Add(op);
        if (vc is not null && _vcs.TryGetValue(vc, out var onVc))
        {
            onVc.AddPended(op);
        }

        return op;
    }

    private void Finish(PendingOperation op)
    {
        _ledger.Remove(op);
        if (op.VcHandle is not null && _vcs.TryGetValue(op.VcHandle, out var onVc))
        {
            onVc.RemovePended(op);
        }
    }

    /// <summary>
    /// Completes whatever request <paramref name="pendingOperationId"/> names with the completion function that
    /// matches it (NdisMCm…Complete for MCM handlers, NdisCl…Complete for client callbacks), passing the handles of
    /// the pended request.
    /// </summary>
    public Outcome CompletePendingOperation(string pendingOperationId, NdisStatus status, CallParameters? callParameters = null)
    {
        lock (_gate)
        {
            using var changing = Changing();
            var completing = new Completing(status, callParameters, ByMcmItself: false);
            // An id that names nothing is refused before any completion function is chosen, so it is told as this call.
            return _ledger.TryGet(pendingOperationId ?? "", out var known)
                ? TurnLocked(known.Completion, () => CompletePending(known, completing))
                : TurnLocked(EventName.NdisMCmCloseCallComplete, () => CompletePending(PendingOf(pendingOperationId), completing),
                    label: nameof(CompletePendingOperation));
        }
    }

    private Outcome CompletePending(PendingOperation op, Completing completing) => Completions[op.Handler].Complete(this, op, completing);

    /// <summary>The MCM's duties run when it completes by itself, or when the sandbox leaves them to it.</summary>
    private bool Duties(Completing completing) => completing.ByMcmItself || Options.Duties == McmDuties.Auto;

    /// <summary>The CallMgrPartyContext NdisMock's MCM gives a party it adds.</summary>
    private static string? PartyContext(PendingOperation op, Completing completing) =>
        op.PartyHandle is null || !completing.Status.IsSuccess ? null : $"cm-{op.PartyHandle}";
}
