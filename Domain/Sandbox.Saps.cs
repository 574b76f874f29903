namespace NdisMock.Domain;

// SAPs (docs/state-machines.md#sap): registration and deregistration.
public sealed partial class Sandbox
{
    /// <summary>The client registers a SAP on an open address family; NDIS calls the MCM's ProtocolCmRegisterSap.</summary>
    public Outcome NdisClRegisterSap(string ndisAfHandle, string? protocolSapContext, Sap sap) =>
        Turn(EventName.NdisClRegisterSap, () =>
        {
            ArgumentNullException.ThrowIfNull(sap);
            var af = FindAf(ndisAfHandle);
            var call = new NdisEvent
            {
                Name = EventName.NdisClRegisterSap, Role = Role.Client, NdisAfHandle = ndisAfHandle, ProtocolSapContext = protocolSapContext, Sap = sap,
            };
            var callback = new NdisEvent { Name = EventName.ProtocolClRegisterSapComplete, Role = Role.Client, ProtocolSapContext = protocolSapContext, Sap = sap };
            if (af is not { IsOpen: true })
            {
                return Reject(Rules.AddressFamilyNotOpen, $"{ndisAfHandle} is {af?.State.ToString() ?? "closed"}; register SAPs on an open address family (NdisClOpenAddressFamilyEx function).", call, callback);
            }

            RequireSapRoom();
            var entry = new ServiceAccessPoint(_handles.Next(HandleKind.Sap), af, sap, protocolSapContext, _undo);
            var handler = new NdisEvent
            {
                Name = EventName.ProtocolCmRegisterSap, Role = Role.Mcm, CallMgrAfContext = af.CallMgrAfContext, Sap = sap, NdisSapHandle = entry.Handle,
            };

            // The MCM refuses a SAP it cannot parse, or one another client holds (PROTOCOL_CM_REG_SAP).
            var refusal = !SapFits(af, sap) ? NdisStatuses.InvalidData
                : HolderOf(sap, af) is not null ? Options.SapInUseStatus
                : (NdisStatus?)null;
            var behavior = Behavior(CmHandler.ProtocolCmRegisterSap);
            if (refusal is null && behavior.Mode == BehaviorMode.Pend)
            {
                _saps.Add(entry.Handle, entry);
                var op = Pend(EventName.ProtocolCmRegisterSap, entry.Handle, behavior, af, sap: entry.Handle);
                Emit(call with { Status = NdisStatuses.Pending, NdisSapHandle = entry.Handle });
                Emit(handler with { Status = NdisStatuses.Pending, PendingOperationId = op.Id });
                return Pended(op) with { NdisSapHandle = entry.Handle, Created = true };
            }

            var status = refusal ?? behavior.Status;
            if (!status.IsSuccess)
            {
                return Answered(status, call, handler, callback);
            }

            entry.CallMgrSapContext = $"cm-{entry.Handle}";
            entry.Apply(SapTrigger.RegisterSucceeded);
            _saps.Add(entry.Handle, entry);
            var ndisCompletion = NdisCompletion(call.Name);
            Emit(Returning(call with { NdisSapHandle = entry.Handle }, status, ndisCompletion));
            Emit(handler with { Status = status, CallMgrSapContext = entry.CallMgrSapContext });
            return Returned(status, callback with { NdisSapHandle = entry.Handle }, ndisCompletion)
                with { NdisSapHandle = entry.Handle, Created = true };
        });

    private static bool SapFits(AddressFamilyOpen af, Sap sap) => af.Family.AddressFamily switch
    {
        AddressFamilyType.Q2931 => sap.SapType is SapType.Nsap or SapType.E164,
        _ => sap.SapType == SapType.Tapi,
    };

    /// <summary>The SAP of another client's open that already holds <paramref name="sap"/>, if any.</summary>
    private ServiceAccessPoint? HolderOf(Sap sap, AddressFamilyOpen asker) =>
        _saps.Values.FirstOrDefault(s => s.Af != asker && s.Sap == sap && s.State != SapState.RegisterPending);

    /// <summary>The MCM completes a pended ProtocolCmRegisterSap.</summary>
    public Outcome NdisMCmRegisterSapComplete(NdisStatus status, string ndisSapHandle, string? callMgrSapContext) =>
        Turn(EventName.NdisMCmRegisterSapComplete, () => RegisterSapComplete(status, ndisSapHandle, callMgrSapContext));

    private Outcome RegisterSapComplete(NdisStatus status, string? sapHandle, string? callMgrSapContext)
    {
        RequireNotPending(status);
        var sap = SapOf(sapHandle);
        var op = PendedBy(EventName.ProtocolCmRegisterSap, sap.Handle);
        var holder = status.IsSuccess ? HolderOf(sap.Sap, sap.Af) : null;
        Require(holder is null, Rules.SapInUseAccepted, $"SAP {sap.Handle} is already held by {holder?.Handle}; the MCM must fail it with {Options.SapInUseStatus.Name}.");

        Finish(op);
        if (status.IsSuccess)
        {
            sap.CallMgrSapContext = callMgrSapContext;
            sap.Apply(SapTrigger.RegisterSucceeded);
        }
        else
        {
            sap.Apply(SapTrigger.RegisterFailed);
            _saps.Remove(sap.Handle);
        }

        Emit(new NdisEvent
        {
            Name = EventName.NdisMCmRegisterSapComplete, Role = Role.Mcm, Status = status, NdisSapHandle = sap.Handle,
            CallMgrSapContext = callMgrSapContext, PendingOperationId = op.Id,
        });
        Emit(new NdisEvent
        {
            Name = EventName.ProtocolClRegisterSapComplete, Role = Role.Client, Status = status, ProtocolSapContext = sap.ProtocolSapContext,
            Sap = sap.Sap, NdisSapHandle = status.IsSuccess ? sap.Handle : null, PendingOperationId = op.Id,
        });
        return Completed(status) with { PendingOperationId = op.Id, NdisSapHandle = sap.Handle };
    }

    /// <summary>The client deregisters a SAP; its handle is invalid for the client at once.</summary>
    public Outcome NdisClDeregisterSap(string ndisSapHandle) =>
        Turn(EventName.NdisClDeregisterSap, () =>
        {
            var sap = SapOf(ndisSapHandle);
            var call = new NdisEvent { Name = EventName.NdisClDeregisterSap, Role = Role.Client, NdisSapHandle = sap.Handle };
            var callback = new NdisEvent { Name = EventName.ProtocolClDeregisterSapComplete, Role = Role.Client, ProtocolSapContext = sap.ProtocolSapContext };
            if (RefusedBy(sap.RefusalOf(SapTrigger.DeregisterPended), $"SAP {sap.Handle} is {sap.State}; only a registered SAP can be deregistered.", call, callback) is { } refused)
            {
                return refused;
            }

            var behavior = Behavior(CmHandler.ProtocolCmDeregisterSap);
            var handler = new NdisEvent { Name = EventName.ProtocolCmDeregisterSap, Role = Role.Mcm, CallMgrSapContext = sap.CallMgrSapContext };
            if (behavior.Mode == BehaviorMode.Pend)
            {
                sap.Apply(SapTrigger.DeregisterPended);
                var op = Pend(EventName.ProtocolCmDeregisterSap, sap.Handle, behavior, sap.Af, sap: sap.Handle);
                return HandlerPended(op, call, handler with { NdisSapHandle = sap.Handle });
            }

            // NdisClDeregisterSap documents no synchronous success: NDIS returns PENDING and calls ProtocolClDeregisterSapComplete.
            var answered = Answered(behavior.Status, call, handler, callback);
            if (behavior.Status.IsSuccess)
            {
                sap.Apply(SapTrigger.DeregisterSucceeded);
                _saps.Remove(sap.Handle);
            }

            return answered;
        });

    /// <summary>The MCM completes a pended ProtocolCmDeregisterSap; SUCCESS only.</summary>
    public Outcome NdisMCmDeregisterSapComplete(NdisStatus status, string ndisSapHandle) =>
        Turn(EventName.NdisMCmDeregisterSapComplete, () => DeregisterSapComplete(status, ndisSapHandle));

    private Outcome DeregisterSapComplete(NdisStatus status, string? sapHandle)
    {
        RequireNotPending(status);
        var sap = SapOf(sapHandle);
        var op = PendedBy(EventName.ProtocolCmDeregisterSap, sap.Handle);
        Require(status.IsSuccess, Rules.CloseCompletionNotSuccess, $"NdisMCmDeregisterSapComplete takes NDIS_STATUS_SUCCESS only, not {status.Name}.");

        Finish(op);
        sap.Apply(SapTrigger.DeregisterSucceeded);
        _saps.Remove(sap.Handle);
        Emit(new NdisEvent
        {
            Name = EventName.NdisMCmDeregisterSapComplete, Role = Role.Mcm, Status = status, NdisSapHandle = sap.Handle, PendingOperationId = op.Id,
        });
        Emit(new NdisEvent
        {
            Name = EventName.ProtocolClDeregisterSapComplete, Role = Role.Client, Status = status, ProtocolSapContext = sap.ProtocolSapContext,
            PendingOperationId = op.Id,
        });
        return Completed(status) with { PendingOperationId = op.Id };
    }
}
