namespace NdisMock.Domain;

// Virtual connections (docs/state-machines.md#vc).
public sealed partial class Sandbox
{
    /// <summary>The client creates a VC for an outgoing call; NDIS calls the MCM's ProtocolCoCreateVc.</summary>
    public Outcome NdisCoCreateVc(string ndisAfHandle, string? protocolVcContext) =>
        Turn(EventName.NdisCoCreateVc, (ndisAfHandle, protocolVcContext), static (sandbox, args) => sandbox.CreateVc(args.ndisAfHandle, args.protocolVcContext));

    private Outcome CreateVc(string ndisAfHandle, string? protocolVcContext)
    {
        // Every create-VC request lands here, so each event is built once with its final fields: a template copied
        // with `with` would allocate a whole event per copy.
        NdisEvent Call(NdisStatus? status = null, string? ndisVcHandle = null) => new()
        {
            Name = EventName.NdisCoCreateVc, Role = Role.Client, Status = status, NdisAfHandle = ndisAfHandle, NdisVcHandle = ndisVcHandle,
            ProtocolVcContext = protocolVcContext,
        };
        NdisEvent Handler(AddressFamilyOpen af, NdisStatus status, string handle, string? callMgrVcContext = null) => new()
        {
            Name = EventName.ProtocolCoCreateVc, Role = Role.Mcm, Status = status, CallMgrAfContext = af.CallMgrAfContext, NdisVcHandle = handle,
            CallMgrVcContext = callMgrVcContext,
        };

        var af = FindAf(ndisAfHandle);
        if (af is not { IsOpen: true })
        {
            // NdisCoCreateVc: FAILURE for an invalid AF handle.
            return Reject(Rules.AddressFamilyNotOpen, $"{ndisAfHandle} is {af?.State.ToString() ?? "closed"}; create VCs on an open address family (NdisClOpenAddressFamilyEx function).", Call());
        }

        var behavior = _behaviors[CmHandler.ProtocolCoCreateVc];
        Require(behavior.Mode == BehaviorMode.Complete, Rules.CreateDeleteVcPended,
            "The MCM's ProtocolCoCreateVc answered NDIS_STATUS_PENDING; NDIS tears such a VC down (PROTOCOL_CO_CREATE_VC). Set its behavior to Complete.");
        RequireVcRoom();

        var handle = _handles.Next(HandleKind.Vc);
        if (!behavior.Status.IsSuccess)
        {
            Emit(Call(behavior.Status));
            Emit(Handler(af, behavior.Status, handle));
            return Completed(behavior.Status);
        }

        var callMgrVcContext = $"cm-{handle}";
        var vc = new VirtualConnection(handle, af, VcCreator.Client, protocolVcContext, callMgrVcContext, _undo);
        _vcs.Add(handle, vc);
        _vcsInIssueOrder.Add(vc);
        Emit(Call(NdisStatuses.Success, handle));
        Emit(Handler(af, behavior.Status, handle, callMgrVcContext));
        return new Outcome { Kind = OutcomeKind.Completed, Status = NdisStatuses.Success, NdisVcHandle = handle, Created = true };
    }

    /// <summary>The client deletes a VC it created; NDIS calls the MCM's ProtocolCoDeleteVc.</summary>
    public Outcome NdisCoDeleteVc(string ndisVcHandle) =>
        Turn(EventName.NdisCoDeleteVc, () =>
        {
            var vc = VcOf(ndisVcHandle);
            Require(vc.Creator == VcCreator.Client, Rules.DeleteByNonCreator, $"VC {vc.Handle} was created by the MCM; only it may delete it (NdisMCmDeleteVc).");
            var call = new NdisEvent { Name = EventName.NdisCoDeleteVc, Role = Role.Client, NdisVcHandle = vc.Handle, ProtocolVcContext = vc.ProtocolVcContext };
            if (RefusedBy(vc.RefusalOf(VcTrigger.Delete), WhyNotDeleted(vc), call) is { } refused)
            {
                return refused;
            }

            var behavior = _behaviors[CmHandler.ProtocolCoDeleteVc];
            Require(behavior.Mode == BehaviorMode.Complete, Rules.CreateDeleteVcPended,
                "The MCM's ProtocolCoDeleteVc answered NDIS_STATUS_PENDING; it must be synchronous (PROTOCOL_CO_CREATE_VC). Set its behavior to Complete.");
            Emit(call with { Status = NdisStatuses.Success });
            Emit(new NdisEvent
            {
                Name = EventName.ProtocolCoDeleteVc, Role = Role.Mcm, Status = behavior.Status, CallMgrVcContext = vc.CallMgrVcContext, NdisVcHandle = vc.Handle,
            });
            // NdisCoDeleteVc documents no failure of the handler's and leaves the handle invalid when it returns, so the MCM's
            // failing ProtocolCoDeleteVc is journaled and the VC is deleted all the same (docs/rules.md#v-vc-04).
            vc.Delete();
            _vcs.Remove(vc.Handle);
            return Completed(NdisStatuses.Success);
        });

    /// <summary>NdisCoDeleteVc: an active VC, or one with a call, cannot be deleted.</summary>
    private static string WhyNotDeleted(VirtualConnection vc) => vc.Activation == Activation.Active
        ? $"VC {vc.Handle} is still active; it must be deactivated first."
        : $"VC {vc.Handle} still hosts a call ({vc.Call}); close it first.";

    /// <summary>The MCM creates a VC for an incoming call; NDIS calls the client's ProtocolCoCreateVc.</summary>
    /// <param name="ndisAfHandle">The client's AF open the incoming call is for.</param>
    /// <param name="miniportVcContext">The MCM's own context for the VC.</param>
    /// <param name="protocolVcContext">The context the client's ProtocolCoCreateVc hands back.</param>
    public Outcome NdisMCmCreateVc(string ndisAfHandle, string? miniportVcContext, string? protocolVcContext) =>
        Turn(EventName.NdisMCmCreateVc, () =>
        {
            var af = FindAf(ndisAfHandle);
            var call = new NdisEvent { Name = EventName.NdisMCmCreateVc, Role = Role.Mcm, NdisAfHandle = ndisAfHandle, CallMgrVcContext = miniportVcContext };
            if (af is not { IsOpen: true })
            {
                // NdisMCmCreateVc: NDIS_STATUS_FAILURE for an AF handle that is not valid, a closed AF's included.
                return Reject(Rules.CreateVcInvalidAf, $"{ndisAfHandle} is {af?.State.ToString() ?? "closed"}; the MCM creates VCs on an open address family.", call);
            }

            RequireVcRoom();
            var handle = _handles.Next(HandleKind.Vc);
            var vc = new VirtualConnection(handle, af, VcCreator.Mcm, protocolVcContext, miniportVcContext, _undo);
            _vcs.Add(handle, vc);
            _vcsInIssueOrder.Add(vc);
            Emit(call with { Status = NdisStatuses.Success, NdisVcHandle = handle });
            Emit(new NdisEvent
            {
                Name = EventName.ProtocolCoCreateVc, Role = Role.Client, Status = NdisStatuses.Success, ClientAfContext = af.ClientAfContext,
                NdisVcHandle = handle, ProtocolVcContext = protocolVcContext,
            });
            return Completed(NdisStatuses.Success) with { NdisVcHandle = handle, Created = true };
        });

    /// <summary>The MCM deletes a VC it created; NDIS calls the client's ProtocolCoDeleteVc.</summary>
    public Outcome NdisMCmDeleteVc(string ndisVcHandle) =>
        Turn(EventName.NdisMCmDeleteVc, () =>
        {
            var vc = VcOf(ndisVcHandle);
            Require(vc.Creator == VcCreator.Mcm, Rules.DeleteByNonCreator, $"VC {vc.Handle} was created by the client; only it may delete it (NdisCoDeleteVc).");
            var call = new NdisEvent { Name = EventName.NdisMCmDeleteVc, Role = Role.Mcm, NdisVcHandle = vc.Handle };
            return RefusedBy(vc.RefusalOf(VcTrigger.Delete), WhyNotDeleted(vc), call) ?? DeleteMcmVc(vc);
        });

    private Outcome DeleteMcmVc(VirtualConnection vc)
    {
        vc.Delete();
        _vcs.Remove(vc.Handle);
        Emit(new NdisEvent { Name = EventName.NdisMCmDeleteVc, Role = Role.Mcm, Status = NdisStatuses.Success, NdisVcHandle = vc.Handle });
        Emit(new NdisEvent
        {
            Name = EventName.ProtocolCoDeleteVc, Role = Role.Client, Status = NdisStatuses.Success, ProtocolVcContext = vc.ProtocolVcContext, NdisVcHandle = vc.Handle,
        });
        return Completed(NdisStatuses.Success);
    }

    /// <summary>The MCM activates a VC, or re-activates it with new parameters. Synchronous for an MCM (NdisMCmActivateVc function).</summary>
    public Outcome NdisMCmActivateVc(string ndisVcHandle, CallParameters? callParameters) =>
        Turn(EventName.NdisMCmActivateVc, () =>
        {
            var vc = VcOf(ndisVcHandle);
            Activate(vc, callParameters ?? vc.CallParameters ?? DefaultParameters(vc.Af));
            return Completed(NdisStatuses.Success);
        });

    private void Activate(VirtualConnection vc, CallParameters parameters)
    {
        vc.Activate(parameters);
        Emit(new NdisEvent
        {
            Name = EventName.NdisMCmActivateVc, Role = Role.Mcm, Status = NdisStatuses.Success, NdisVcHandle = vc.Handle, CallParameters = parameters,
        });
    }

    /// <summary>The MCM deactivates a VC; NOT_ACCEPTED when it is already inactive.</summary>
    public Outcome NdisMCmDeactivateVc(string ndisVcHandle) =>
        Turn(EventName.NdisMCmDeactivateVc, () =>
        {
            var vc = VcOf(ndisVcHandle);
            if (RefusedBy(vc.RefusalOf(VcTrigger.Deactivate), $"VC {vc.Handle} is already inactive.",
                new NdisEvent { Name = EventName.NdisMCmDeactivateVc, Role = Role.Mcm, NdisVcHandle = vc.Handle }) is { } refused)
            {
                return refused;
            }

            Deactivate(vc);
            return Completed(NdisStatuses.Success);
        });

    private void Deactivate(VirtualConnection vc)
    {
        vc.Deactivate();
        Emit(new NdisEvent { Name = EventName.NdisMCmDeactivateVc, Role = Role.Mcm, Status = NdisStatuses.Success, NdisVcHandle = vc.Handle });
    }

    /// <summary>The parameters the adapter profile supplies where the WDK lets the MCM choose.</summary>
    private static CallParameters DefaultParameters(AddressFamilyOpen af) => CallParameterDefaults.For(af.Family.AddressFamily);

    /// <summary>The MCM's duties once a call is gone: deactivate the VC and, if it created the VC, delete it.</summary>
    private void TidyAfterCall(VirtualConnection vc)
    {
        if (vc.Activation == Activation.Active)
        {
            Deactivate(vc);
        }

        if (vc.Creator == VcCreator.Mcm)
        {
            DeleteMcmVc(vc);
        }
    }
}
