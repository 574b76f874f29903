namespace NdisMock.Domain;

// Incoming calls (docs/state-machines.md#call): the offer, its answer, the connection and the remote side's close.
public sealed partial class Sandbox
{
    /// <summary>
    /// The MCM offers an incoming call on a SAP, on a VC it created for that SAP's client; NDIS calls the client's
    /// ProtocolClIncomingCall, which pends until the client calls NdisClIncomingCallComplete.
    /// </summary>
    public Outcome NdisMCmDispatchIncomingCall(string ndisSapHandle, string ndisVcHandle, CallParameters? callParameters) =>
        Turn(EventName.NdisMCmDispatchIncomingCall, () =>
        {
            var sap = SapOf(ndisSapHandle);
            var vc = VcOf(ndisVcHandle);
            var sapRefusal = sap.RefusalOf(SapTrigger.Offer);
            RequireAllowed(sapRefusal is { Severity: Severity.Error } ? sapRefusal : null, $"SAP {sap.Handle} is {sap.State}; calls go to registered SAPs.");
            Require(sap.Af == vc.Af, Rules.DispatchOnWrongSap, $"SAP {sap.Handle} belongs to {sap.Af.Handle}, but VC {vc.Handle} was created for {vc.Af.Handle}.");
            Require(vc.Creator == VcCreator.Mcm, Rules.DispatchOnWrongVc, $"VC {vc.Handle} was created by the client; the MCM offers calls on VCs it created (NdisMCmCreateVc).");
            RequireAllowed(vc.Call.RefusalOf(CallTrigger.Offer), $"VC {vc.Handle} already hosts a call ({vc.Call}); a VC hosts a single call.");
            RequirePendingRoom();
            // NdisClDeregisterSap: the SAP handle is invalid for the client from the moment it asked to deregister.
            if (RefusedBy(sapRefusal, $"The client is deregistering SAP {sap.Handle}; no call can be offered on it.",
                new NdisEvent { Name = EventName.NdisMCmDispatchIncomingCall, Role = Role.Mcm, NdisSapHandle = sap.Handle, NdisVcHandle = vc.Handle, CallParameters = callParameters }) is { } refused)
            {
                return refused;
            }

            if (vc.Af.State == AfState.ClosePending)
            {
                // NdisClCloseAddressFamily: the AF handle is invalid for the client from the moment it asked to close.
                return Reject(Rules.AddressFamilyNotOpen, $"The client is closing address family {vc.Af.Handle}; no call can be offered on it.",
                    new NdisEvent { Name = EventName.NdisMCmDispatchIncomingCall, Role = Role.Mcm, NdisSapHandle = sap.Handle, NdisVcHandle = vc.Handle, CallParameters = callParameters });
            }

            var duties = Options.Duties == McmDuties.Auto;
            RequireOrderly(duties || vc.Activation == Activation.Active, Rules.DispatchOnWrongVc,
                $"VC {vc.Handle} is inactive; activate it before dispatching the call (NdisMCmDispatchIncomingCall macro).");
            // Lenient ordering lets the deactivation follow the close completion; it may not be skipped before reuse.
            RequireOrderly(!vc.DeactivationOwed, Rules.CloseCompleteWhileActive,
                $"VC {vc.Handle} was never deactivated after its last call closed; call NdisMCmDeactivateVc before offering it again (NdisMCmDeactivateVc function).");

            var parameters = callParameters ?? vc.ActiveParameters ?? DefaultParameters(vc.Af);
            if (_network.Refusal(vc.Handle, parameters) is { } full)
            {
                // No room on the link: the MCM refuses the SETUP and offers nothing to the client.
                Emit(new NdisEvent
                {
                    Name = EventName.NdisMCmDispatchIncomingCall, Role = Role.Mcm, Status = full, NdisSapHandle = sap.Handle, NdisVcHandle = vc.Handle,
                    CallParameters = parameters,
                });
                return Completed(full);
            }

            parameters = _network.Reserve(vc.Handle, parameters);
            if (duties && vc.Activation == Activation.Inactive)
            {
                Activate(vc, parameters);
            }

            StartCall(vc, multipoint: false, initialParty: null, parameters);
            vc.Apply(CallTrigger.Offer);
            var op = Pend(EventName.ProtocolClIncomingCall, vc.Handle, af: vc.Af,
                sap: sap.Handle, vc: vc.Handle, parameters: parameters);
            Emit(new NdisEvent
            {
                Name = EventName.NdisMCmDispatchIncomingCall, Role = Role.Mcm, Status = NdisStatuses.Pending, NdisSapHandle = sap.Handle,
                NdisVcHandle = vc.Handle, CallParameters = parameters, PendingOperationId = op.Id,
            });
            Emit(new NdisEvent
            {
                Name = EventName.ProtocolClIncomingCall, Role = Role.Client, Status = NdisStatuses.Pending, ProtocolSapContext = sap.ProtocolSapContext,
                ProtocolVcContext = vc.ProtocolVcContext, NdisVcHandle = vc.Handle, CallParameters = parameters, PendingOperationId = op.Id,
            });
            return Pended(op);
        });

    /// <summary>The client accepts (SUCCESS) or rejects (any other status) an offered call.</summary>
    public Outcome NdisClIncomingCallComplete(NdisStatus status, string ndisVcHandle, CallParameters? callParameters) =>
        Turn(EventName.NdisClIncomingCallComplete, () => IncomingCallComplete(status, ndisVcHandle, callParameters));

    private Outcome IncomingCallComplete(NdisStatus status, string? vcHandle, CallParameters? callParameters)
    {
        RequireNotPending(status);
        var vc = VcOf(vcHandle);
        var op = PendedBy(EventName.ProtocolClIncomingCall, vc.Handle);
        // NdisClIncomingCallComplete: the client negotiates with NdisClModifyCallQoS before it completes the offer.
        Require(!_ledger.Contains(EventName.ProtocolCmModifyCallQoS, vc.Handle), Rules.CallInWrongState,
            $"The QoS change the client asked for on VC {vc.Handle} is still pending; complete the offer once ProtocolClModifyCallQoSComplete has arrived.");

        Finish(op);
        var given = callParameters ?? op.CallParameters;
        // The MCM takes the client's parameters only when the client flagged them CALL_PARAMETERS_CHANGED.
        var parameters = given is { ParametersChanged: true } ? given : op.CallParameters;
        Emit(new NdisEvent
        {
            Name = EventName.NdisClIncomingCallComplete, Role = Role.Client, Status = status, NdisVcHandle = vc.Handle,
            CallParameters = given, PendingOperationId = op.Id,
        });
        Emit(new NdisEvent
        {
            Name = EventName.ProtocolCmIncomingCallComplete, Role = Role.Mcm, Status = status, CallMgrVcContext = vc.CallMgrVcContext,
            NdisVcHandle = vc.Handle, CallParameters = given, PendingOperationId = op.Id,
        });
        if (vc.Call.State != CallState.Offered)
        {
            // The remote side already closed the offer (RemoteClosePending): the client's late answer changes nothing.
        }
        else if (status.IsSuccess)
        {
            vc.CallParameters = parameters;
            vc.Apply(CallTrigger.Accept);
        }
        else
        {
            // NdisMCmDispatchIncomingCall: on rejection the MCM deactivates its VC and may delete it.
            vc.Apply(CallTrigger.Reject);
            vc.Call.OfferRejected = true;
            _network.Release(vc.Handle);
            if (Options.Duties == McmDuties.Auto)
            {
                TidyAfterCall(vc);
            }
        }

        return Completed(status) with { PendingOperationId = op.Id };
    }

    /// <summary>The MCM tells the client that an accepted incoming call is connected.</summary>
    public Outcome NdisMCmDispatchCallConnected(string ndisVcHandle) =>
        Turn(EventName.NdisMCmDispatchCallConnected, () =>
        {
            var vc = VcOf(ndisVcHandle);
            Require(vc.Creator == VcCreator.Mcm, Rules.ConnectedOnClientVc, $"VC {vc.Handle} was created by the client; its call completes with NdisMCmMakeCallComplete.");
            RequireAllowed(vc.Call.RefusalOf(CallTrigger.Connect), $"The call on VC {vc.Handle} is {vc.Call}, not accepted by the client.");
            Require(vc.Activation == Activation.Active, Rules.VcNotActive, $"VC {vc.Handle} is inactive; a connected call would transfer data on it.");

            vc.Apply(CallTrigger.Connect);
            Emit(new NdisEvent { Name = EventName.NdisMCmDispatchCallConnected, Role = Role.Mcm, NdisVcHandle = vc.Handle });
            Emit(new NdisEvent { Name = EventName.ProtocolClCallConnected, Role = Role.Client, ProtocolVcContext = vc.ProtocolVcContext });
            return Completed(NdisStatuses.Success);
        });

    /// <summary>The remote side (or the network) closes the call; the client must answer with NdisClCloseCall.</summary>
    /// <param name="cause">The Q.2931 cause the remote clear carried, if any.</param>
    public Outcome NdisMCmDispatchIncomingCloseCall(NdisStatus closeStatus, string ndisVcHandle, string? closeData, byte? cause = null) =>
        Turn(EventName.NdisMCmDispatchIncomingCloseCall, () =>
        {
            var vc = VcOf(ndisVcHandle);
            RequireAllowed(vc.Call.RefusalOf(CallTrigger.RemoteClose), $"VC {vc.Handle} has no call the remote side could close ({vc.Call}).");
            // A party whose add pends is not connected: the remote side may close the call; the add's completion is still owed.
            Require(!vc.IsMultipoint || vc.ConnectedParties <= 1, Rules.IncomingCloseWithParties,
                $"VC {vc.Handle} still has {vc.ConnectedParties} connected parties; drop them with NdisMCmDispatchIncomingDropParty first (NdisMCmDispatchIncomingDropParty macro).");

            vc.Apply(CallTrigger.RemoteClose);
            Emit(new NdisEvent
            {
                Name = EventName.NdisMCmDispatchIncomingCloseCall, Role = Role.Mcm, Status = closeStatus, NdisVcHandle = vc.Handle, CloseData = closeData,
                Cause = cause,
            });
            Emit(new NdisEvent
            {
                Name = EventName.ProtocolClIncomingCloseCall, Role = Role.Client, Status = closeStatus, ProtocolVcContext = vc.ProtocolVcContext, CloseData = closeData,
                Cause = cause,
            });
            return Completed(NdisStatuses.Success);
        });

    /// <summary>An offer the client had not yet answered dies with its call.</summary>
    private void DropClientRequestsOn(VirtualConnection vc)
    {
        if (_ledger.Find(EventName.ProtocolClIncomingCall, vc.Handle) is { } offer)
        {
            Finish(offer);
        }
    }
}
