namespace NdisMock.Domain;

// Address families (docs/state-machines.md#af): registration, open, close, and the MCM's close notification.
public sealed partial class Sandbox
{
    /// <summary>The MCM registers an address family on its adapter (done for Q.2931 and TAPI at creation).</summary>
    public Outcome NdisMCmRegisterAddressFamilyEx(CoAddressFamily addressFamily) =>
        Turn(EventName.NdisMCmRegisterAddressFamilyEx, () => RegisterAddressFamily(addressFamily));

    private Outcome RegisterAddressFamily(CoAddressFamily family)
    {
        var call = new NdisEvent { Name = EventName.NdisMCmRegisterAddressFamilyEx, Role = Role.Mcm, AddressFamily = family };
        if (_registered.Contains(family.AddressFamily))
        {
            return Reject(Rules.DuplicateAddressFamily, $"{family.AddressFamily} is already registered on this adapter.", call);
        }

        _registered.Add(family.AddressFamily);
        _undo.Record(() => _registered.Remove(family.AddressFamily));
        Emit(call with { Status = NdisStatuses.Success });
        Emit(new NdisEvent { Name = EventName.ProtocolCoAfRegisterNotify, Role = Role.Client, AddressFamily = family });
        return Completed(NdisStatuses.Success);
    }

    /// <summary>The client opens an address family; NDIS calls the MCM's ProtocolCmOpenAf.</summary>
    public Outcome NdisClOpenAddressFamilyEx(CoAddressFamily addressFamily, string? clientAfContext) =>
        Turn(EventName.NdisClOpenAddressFamilyEx, () =>
        {
            ArgumentNullException.ThrowIfNull(addressFamily);
            var call = new NdisEvent
            {
                Name = EventName.NdisClOpenAddressFamilyEx, Role = Role.Client, AddressFamily = addressFamily, ClientAfContext = clientAfContext,
            };
            var callback = new NdisEvent { Name = EventName.ProtocolClOpenAfCompleteEx, Role = Role.Client, ClientAfContext = clientAfContext };
            if (!_registered.Contains(addressFamily.AddressFamily))
            {
                // NdisClOpenAddressFamilyEx: FAILURE when the AF is not registered on that miniport.
                return Answered(NdisStatuses.Failure, call, handler: null, callback);
            }

            RequireAfRoom();
            var af = new AddressFamilyOpen(_handles.Next(HandleKind.Af), addressFamily, clientAfContext, _undo);
            var behavior = Behavior(CmHandler.ProtocolCmOpenAf);
            var handler = new NdisEvent
            {
                Name = EventName.ProtocolCmOpenAf, Role = Role.Mcm, AddressFamily = addressFamily, NdisAfHandle = af.Handle,
            };
            if (behavior.Mode == BehaviorMode.Pend)
            {
                _afs.Add(af.Handle, af);
                var op = Pend(EventName.ProtocolCmOpenAf, af.Handle, behavior, af);
                Emit(call with { Status = NdisStatuses.Pending, NdisAfHandle = af.Handle });
                Emit(handler with { Status = NdisStatuses.Pending, PendingOperationId = op.Id });
                return Pended(op) with { NdisAfHandle = af.Handle, Created = true };
            }

            if (!behavior.Status.IsSuccess)
            {
                return Answered(behavior.Status, call, handler, callback);
            }

            af.CallMgrAfContext = $"cm-{af.Handle}";
            af.Apply(AfTrigger.OpenSucceeded);
            _afs.Add(af.Handle, af);
            var ndisCompletion = NdisCompletion(call.Name);
            Emit(Returning(call with { NdisAfHandle = af.Handle }, NdisStatuses.Success, ndisCompletion));
            Emit(handler with { Status = NdisStatuses.Success, CallMgrAfContext = af.CallMgrAfContext });
            return Returned(NdisStatuses.Success, callback with { NdisAfHandle = af.Handle }, ndisCompletion)
                with { NdisAfHandle = af.Handle, Created = true };
        });

    /// <summary>The MCM completes a pended ProtocolCmOpenAf.</summary>
    public Outcome NdisMCmOpenAddressFamilyComplete(NdisStatus status, string ndisAfHandle, string? callMgrAfContext) =>
        Turn(EventName.NdisMCmOpenAddressFamilyComplete, () => OpenAddressFamilyComplete(status, ndisAfHandle, callMgrAfContext));

    private Outcome OpenAddressFamilyComplete(NdisStatus status, string? afHandle, string? callMgrAfContext)
    {
        RequireNotPending(status);
        var af = AfForMcm(afHandle);
        var op = PendedBy(EventName.ProtocolCmOpenAf, af.Handle);

        Finish(op);
        if (status.IsSuccess)
        {
            af.CallMgrAfContext = callMgrAfContext;
            af.Apply(AfTrigger.OpenSucceeded);
        }
        else
        {
            // NdisMCmOpenAddressFamilyComplete: a failed open leaves the handle invalid once the completion returns.
            af.Apply(AfTrigger.OpenFailed);
            _afs.Remove(af.Handle);
        }

        Emit(new NdisEvent
        {
            Name = EventName.NdisMCmOpenAddressFamilyComplete, Role = Role.Mcm, Status = status, NdisAfHandle = af.Handle,
            CallMgrAfContext = callMgrAfContext, PendingOperationId = op.Id,
        });
        Emit(new NdisEvent
        {
            Name = EventName.ProtocolClOpenAfCompleteEx, Role = Role.Client, Status = status, ClientAfContext = af.ClientAfContext,
            NdisAfHandle = status.IsSuccess ? af.Handle : null, PendingOperationId = op.Id,
        });
        return Completed(status) with { PendingOperationId = op.Id, NdisAfHandle = af.Handle };
    }

    /// <summary>The client closes its address family; NDIS calls the MCM's ProtocolCmCloseAf.</summary>
    public Outcome NdisClCloseAddressFamily(string ndisAfHandle) =>
        Turn(EventName.NdisClCloseAddressFamily, () =>
        {
            var af = FindAf(ndisAfHandle);
            var call = new NdisEvent { Name = EventName.NdisClCloseAddressFamily, Role = Role.Client, NdisAfHandle = ndisAfHandle };
            var callback = new NdisEvent { Name = EventName.ProtocolClCloseAfComplete, Role = Role.Client, ClientAfContext = af?.ClientAfContext };
            // PROTOCOL_CL_CLOSE_AF_COMPLETE: FAILURE when the AF is already marked closing (double close).
            if (af is null)
            {
                return Reject(Rules.CloseAfWhileBusy, $"{ndisAfHandle} is closed.", call, callback);
            }

            if (RefusedBy(af.RefusalOf(AfTrigger.ClosePended), $"{ndisAfHandle} is not open (it is {af.State}).", call, callback) is { } refused)
            {
                return refused;
            }

            var behavior = Behavior(CmHandler.ProtocolCmCloseAf);
            var remaining = ObjectsOf(af);
            var handler = new NdisEvent { Name = EventName.ProtocolCmCloseAf, Role = Role.Mcm, CallMgrAfContext = af.CallMgrAfContext };
            if (remaining > 0 && behavior is { Mode: BehaviorMode.Complete, Status.IsSuccess: false })
            {
                // PROTOCOL_CM_CLOSE_AF: an MCM that will not close while calls or SAPs remain answers NOT_ACCEPTED (or its own status).
                return Answered(behavior.Status, call, handler, callback);
            }

            if (remaining > 0 && behavior.Mode == BehaviorMode.Complete)
            {
                WarnAboutLingeringMcmVcs(af);
                return Reject(Rules.CloseAfWhileBusy, $"{ndisAfHandle} still has {remaining} SAP(s) or VC(s); close calls, deregister SAPs and delete VCs first (Closing an Address Family in a CoNDIS Client).", call, callback);
            }

            if (behavior.Mode == BehaviorMode.Pend)
            {
                af.Apply(AfTrigger.ClosePended);
                var op = Pend(EventName.ProtocolCmCloseAf, af.Handle, behavior, af);
                return HandlerPended(op, call, handler with { NdisAfHandle = af.Handle });
            }

            var answered = Answered(behavior.Status, call, handler, callback);
            if (behavior.Status.IsSuccess)
            {
                CloseAf(af);
            }

            return answered;
        });

    private int ObjectsOf(AddressFamilyOpen af) =>
        _saps.Values.Count(s => s.Af == af) + _vcs.Values.Count(v => v.Af == af);

    private void WarnAboutLingeringMcmVcs(AddressFamilyOpen af)
    {
        foreach (var vc in _vcs.Values.Where(v => v.Af == af && v.Creator == VcCreator.Mcm && !v.HasCall))
        {
            if (vc.Call.OfferRejected && vc.Activation == Activation.Active)
            {
                Warn(Rules.RejectedOfferVcLingers, $"VC {vc.Handle}: the client rejected its offer, and the MCM neither deactivated nor deleted it.");
            }
            else if (vc.Call.State == CallState.Closed)
            {
                Warn(Rules.McmVcNotDeleted, $"VC {vc.Handle}: its call closed, and the MCM neither deleted nor reused it.");
            }
        }
    }

    private void CloseAf(AddressFamilyOpen af)
    {
        af.Apply(AfTrigger.CloseSucceeded);
        _afs.Remove(af.Handle);
    }

    /// <summary>The MCM completes a pended ProtocolCmCloseAf; SUCCESS only, and only once nothing is left.</summary>
    public Outcome NdisMCmCloseAddressFamilyComplete(NdisStatus status, string ndisAfHandle) =>
        Turn(EventName.NdisMCmCloseAddressFamilyComplete, () => CloseAddressFamilyComplete(status, ndisAfHandle));

    private Outcome CloseAddressFamilyComplete(NdisStatus status, string? afHandle)
    {
        RequireNotPending(status);
        var af = AfForMcm(afHandle);
        var op = PendedBy(EventName.ProtocolCmCloseAf, af.Handle);
        Require(status.IsSuccess, Rules.CloseCompletionNotSuccess, $"NdisMCmCloseAddressFamilyComplete takes NDIS_STATUS_SUCCESS only, not {status.Name}.");
        var remaining = ObjectsOf(af);
        Require(remaining == 0, Rules.CloseAfCompleteWithObjects, $"{af.Handle} still has {remaining} SAP(s) or VC(s); complete the close once they are gone.");

        Finish(op);
        CloseAf(af);
        Emit(new NdisEvent
        {
            Name = EventName.NdisMCmCloseAddressFamilyComplete, Role = Role.Mcm, Status = status, NdisAfHandle = af.Handle, PendingOperationId = op.Id,
        });
        Emit(new NdisEvent
        {
            Name = EventName.ProtocolClCloseAfComplete, Role = Role.Client, Status = status, ClientAfContext = af.ClientAfContext, PendingOperationId = op.Id,
        });
        return Completed(status) with { PendingOperationId = op.Id };
    }

    /// <summary>The MCM asks the client to close its address family (adapter halting); the client's handler pends.</summary>
    public Outcome NdisMCmNotifyCloseAddressFamily(string ndisAfHandle) =>
        Turn(EventName.NdisMCmNotifyCloseAddressFamily, () =>
        {
            var af = AfForMcm(ndisAfHandle);
            var call = new NdisEvent { Name = EventName.NdisMCmNotifyCloseAddressFamily, Role = Role.Mcm, NdisAfHandle = af.Handle };
            if (RefusedBy(af.RefusalOf(AfTrigger.NotifyClose), $"{af.Handle} is {af.State}; only an open address family can be asked to close.", call) is { } refused)
            {
                return refused;
            }

            RequirePendingRoom();
            af.Apply(AfTrigger.NotifyClose);
            var op = Pend(EventName.ProtocolClNotifyCloseAf, af.Handle, af: af);
            Emit(call with { Status = NdisStatuses.Pending, PendingOperationId = op.Id });
            Emit(new NdisEvent
            {
                Name = EventName.ProtocolClNotifyCloseAf, Role = Role.Client, Status = NdisStatuses.Pending, ClientAfContext = af.ClientAfContext,
                NdisAfHandle = af.Handle, PendingOperationId = op.Id,
            });
            return Pended(op);
        });

    /// <summary>The client completes a pended ProtocolClNotifyCloseAf (normally after closing the AF).</summary>
    public Outcome NdisClNotifyCloseAddressFamilyComplete(string ndisAfHandle, NdisStatus status) =>
        Turn(EventName.NdisClNotifyCloseAddressFamilyComplete, () => NotifyCloseAddressFamilyComplete(ndisAfHandle, status));

    private Outcome NotifyCloseAddressFamilyComplete(string? afHandle, NdisStatus status)
    {
        RequireNotPending(status);
        RequireHandle(afHandle, "an NdisAfHandle");
        // The client may use the handle here even after NdisClCloseAddressFamily (PROTOCOL_CL_NOTIFY_CLOSE_AF).
        Require(_handles.WasIssued(HandleKind.Af, afHandle!), Rules.UnknownHandle, $"{afHandle} is not an NdisAfHandle of this sandbox.");
        var op = PendedBy(EventName.ProtocolClNotifyCloseAf, afHandle!);
        // PROTOCOL_CL_NOTIFY_CLOSE_AF: the client tears down and closes the AF, then completes with SUCCESS.
        var stillOpen = _afs.TryGetValue(afHandle!, out var af) && af.State != AfState.ClosePending;
        Require(!(status.IsSuccess && stillOpen), Rules.NotifyCloseCompleteWhileOpen,
            $"{afHandle} is still open; close it with NdisClCloseAddressFamily before completing the notification with NDIS_STATUS_SUCCESS.");

        Finish(op);
        Emit(new NdisEvent
        {
            Name = EventName.NdisClNotifyCloseAddressFamilyComplete, Role = Role.Client, Status = status, NdisAfHandle = afHandle, PendingOperationId = op.Id,
        });
        Emit(new NdisEvent
        {
            Name = EventName.ProtocolCmNotifyCloseAfComplete, Role = Role.Mcm, Status = status, CallMgrAfContext = op.Af?.CallMgrAfContext,
            PendingOperationId = op.Id,
        });
        return Completed(status) with { PendingOperationId = op.Id };
    }
}
