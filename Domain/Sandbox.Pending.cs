namespace NdisMock.Domain;

public sealed partial class Sandbox
{
    /// <summary>Puts a request in the pending ledger; with a self-completing behavior, arms its timer.</summary>
    private PendingOperation Pend(
        EventName handler,
        EventName completion,
        Role completedBy,
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
        var op = new PendingOperation(_handles.Next(HandleKind.PendingOperation), handler, completion, completedBy, _time.GetUtcNow())
        {
            Af = af,
            AfHandle = af?.Handle,
            SapHandle = sap,
            VcHandle = vc,
            PartyHandle = party,
            CallParameters = parameters,
            ActivationCountAtRequest = activationCount,
            Cause = cause,
        };
        _pendingById.Add(op.Id, op);
        _pendingByKey.Add((handler, keyHandle), op);
        if (vc is not null && _vcs.TryGetValue(vc, out var onVc))
        {
            onVc.Pended.Add(op);
        }

        if (behavior is { Mode: BehaviorMode.Pend, CompleteAfter: { } delay })
        {
            var status = behavior.Status;
            op.SelfCompletion = _time.CreateTimer(_ => SelfComplete(op.Id, status), null, delay, Timeout.InfiniteTimeSpan);
        }

        return op;
    }

    private void Finish(PendingOperation op, string keyHandle)
    {
        _pendingById.Remove(op.Id);
        _pendingByKey.Remove((op.Handler, keyHandle));
        if (op.VcHandle is not null && _vcs.TryGetValue(op.VcHandle, out var onVc))
        {
            onVc.Pended.Remove(op);
        }
        op.SelfCompletion?.Dispose();
    }

    /// <summary>The MCM's own completion of a request its behavior pended with a delay.</summary>
    private void SelfComplete(string id, NdisStatus status)
    {
        lock (_gate)
        {
            if (_pendingById.TryGetValue(id, out var op))
            {
                TurnLocked(op.Completion, () => CompletePending(op, status, parameters: null, byMcmItself: true));
            }
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
            // An id that names nothing is refused before any completion function is chosen, so it is told as this call.
            return _pendingById.TryGetValue(pendingOperationId ?? "", out var known)
                ? TurnLocked(known.Completion, () => CompletePending(known, status, callParameters, byMcmItself: false))
                : TurnLocked(EventName.NdisMCmCloseCallComplete, () => CompletePending(PendingOf(pendingOperationId), status, callParameters, byMcmItself: false),
                    label: nameof(CompletePendingOperation));
        }
    }

    private Outcome CompletePending(PendingOperation op, NdisStatus status, CallParameters? parameters, bool byMcmItself)
    {
        var duties = byMcmItself || Options.Duties == McmDuties.Auto;
        var generatedPartyContext = op.PartyHandle is null || !status.IsSuccess ? null : $"cm-{op.PartyHandle}";
        return op.Completion switch
        {
            EventName.NdisMCmOpenAddressFamilyComplete => OpenAddressFamilyComplete(status, op.AfHandle, $"cm-{op.AfHandle}"),
            EventName.NdisMCmCloseAddressFamilyComplete => CloseAddressFamilyComplete(status, op.AfHandle),
            EventName.NdisMCmRegisterSapComplete => RegisterSapComplete(status, op.SapHandle, $"cm-{op.SapHandle}"),
            EventName.NdisMCmDeregisterSapComplete => DeregisterSapComplete(status, op.SapHandle),
            EventName.NdisMCmMakeCallComplete => MakeCallComplete(status, op.VcHandle, op.PartyHandle, generatedPartyContext, parameters, duties, status.IsSuccess ? null : op.Cause),
            EventName.NdisMCmCloseCallComplete => CloseCallComplete(status, op.VcHandle, op.PartyHandle, duties),
            EventName.NdisMCmAddPartyComplete => AddPartyComplete(status, op.PartyHandle, generatedPartyContext, parameters),
            EventName.NdisMCmDropPartyComplete => DropPartyComplete(status, op.PartyHandle),
            EventName.NdisMCmModifyCallQoSComplete => ModifyCallQoSComplete(status, op.VcHandle, parameters, duties),
            EventName.NdisClIncomingCallComplete => IncomingCallComplete(status, op.VcHandle, parameters),
            EventName.NdisClNotifyCloseAddressFamilyComplete => NotifyCloseAddressFamilyComplete(op.AfHandle, status),
            _ => throw new InvalidOperationException($"No completion for {op.Completion}."),
        };
    }

    public IReadOnlyDictionary<CmHandler, HandlerBehavior> GetBehaviors()
    {
        lock (_gate)
        {
            return new Dictionary<CmHandler, HandlerBehavior>(_behaviors);
        }
    }

    /// <summary>Sets how a handler answers from now on; returns why it cannot, or null once set.</summary>
    public string? SetBehavior(CmHandler handler, HandlerBehavior behavior)
    {
        ArgumentNullException.ThrowIfNull(behavior);
        if (behavior.Problem(handler) is { } problem)
        {
            return problem;
        }

        lock (_gate)
        {
            _behaviors[handler] = behavior;
            return null;
        }
    }
}
