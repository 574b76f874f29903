namespace NdisMock.Domain;

// Calls (docs/state-machines.md#call): make, offer, connect, close and change QoS.
public sealed partial class Sandbox
{
    /// <summary>
    /// The client makes an outgoing call on a VC it created; NDIS calls the MCM's ProtocolCmMakeCall. A non-null
    /// <paramref name="protocolPartyContext"/> makes the call multipoint, and NDIS issues the initial party handle.
    /// </summary>
    public Outcome NdisClMakeCall(string ndisVcHandle, CallParameters? callParameters, string? protocolPartyContext) =>
        Turn(EventName.NdisClMakeCall, () =>
        {
            var vc = VcOf(ndisVcHandle);
            var parameters = callParameters ?? DefaultParameters(vc.Af);
            var multipoint = protocolPartyContext is not null;
            var call = new NdisEvent
            {
                Name = EventName.NdisClMakeCall, Role = Role.Client, NdisVcHandle = vc.Handle, ProtocolVcContext = vc.ProtocolVcContext,
                ProtocolPartyContext = protocolPartyContext, CallParameters = parameters,
            };
            var callback = new NdisEvent
            {
                Name = EventName.ProtocolClMakeCallComplete, Role = Role.Client, ProtocolVcContext = vc.ProtocolVcContext, CallParameters = parameters,
            };
            if (!vc.Af.IsOpen)
            {
                return Reject(Rules.AddressFamilyNotOpen, $"The VC's address family {vc.Af.Handle} is {vc.Af.State}.", call, callback);
            }

            if (vc.Creator != VcCreator.Client || !vc.Allows(CallTrigger.MakeCallPended) || vc.Activation == Activation.Active)
            {
                var why = vc.Creator != VcCreator.Client ? "was created by the MCM (NdisClMakeCall function)"
                    : vc.Activation == Activation.Active && !vc.HasCall ? "is still active after its last call"
                    : $"already hosts a call ({vc.Call}; a VC hosts a single call)";
                return Reject(Rules.MakeCallOnWrongVc, $"VC {vc.Handle} {why}.", call, callback);
            }

            var handler = new NdisEvent
            {
                Name = EventName.ProtocolCmMakeCall, Role = Role.Mcm, CallMgrVcContext = vc.CallMgrVcContext, NdisVcHandle = vc.Handle, CallParameters = parameters,
            };
            if (multipoint && !SupportsMultipoint(vc.Af))
            {
                // PROTOCOL_CM_MAKE_CALL: NOT_SUPPORTED when the medium has no point-to-multipoint calls.
                return Answered(NdisStatuses.NotSupported, call, handler, callback);
            }

            if (!Readable(vc.Af, parameters))
            {
                // PROTOCOL_CM_MAKE_CALL: NOT_SUPPORTED for call parameters the call manager cannot use.
                return Answered(NdisStatuses.NotSupported, call, handler, callback);
            }

            if (_network.Refusal(vc.Handle, parameters) is { } full)
            {
                // The MCM's admission control refuses before any signalling: no cell rate, channel or VCI left.
                var refused = Answered(full, call, handler, callback);
                vc.Apply(CallTrigger.MakeCallFailed);
                return refused;
            }

            var party = multipoint ? new Party(_handles.Next(HandleKind.Party), vc, protocolPartyContext) : null;
            call = call with { NdisPartyHandle = party?.Handle };
            handler = handler with { NdisPartyHandle = party?.Handle };
            var route = RouteFor(parameters);
            var behavior = RoutedBehavior(route) ?? Behavior(CmHandler.ProtocolCmMakeCall);
            if (behavior.Mode == BehaviorMode.Pend)
            {
                StartCall(vc, multipoint, party, parameters);
                vc.Apply(CallTrigger.MakeCallPended);
                var granted = Flagged(parameters, _network.Reserve(vc.Handle, parameters));
                var op = Pend(EventName.ProtocolCmMakeCall, EventName.NdisMCmMakeCallComplete, Role.Mcm, vc.Handle, behavior, vc.Af,
                    vc: vc.Handle, party: party?.Handle, parameters: granted, cause: route?.Cause);
                Emit(call with { Status = NdisStatuses.Pending });
                Emit(handler with { Status = NdisStatuses.Pending, PendingOperationId = op.Id });
                return Pended(op) with { NdisPartyHandle = party?.Handle, Created = party is not null };
            }

            if (!behavior.Status.IsSuccess)
            {
                var failed = Answered(behavior.Status, call, handler with { Cause = route?.Cause }, callback with { Cause = route?.Cause });
                vc.Apply(CallTrigger.MakeCallFailed);
                return failed;
            }

            // A synchronous success: the MCM negotiated and activated the VC inside its handler (NdisMCmActivateVc function).
            var ndisCompletion = NdisCompletion(call.Name);
            Emit(Returning(call, behavior.Status, ndisCompletion));
            parameters = Flagged(parameters, _network.Reserve(vc.Handle, parameters));
            StartCall(vc, multipoint, party, parameters);
            if (party is not null)
            {
                party.CallMgrPartyContext = $"cm-{party.Handle}";
                party.Apply(PartyTrigger.AddSucceeded);
            }

            Emit(handler with { Status = behavior.Status, CallMgrPartyContext = party?.CallMgrPartyContext });
            Activate(vc, parameters);
            vc.Apply(CallTrigger.MakeCallSucceeded);
            return Returned(behavior.Status, callback with { NdisPartyHandle = party?.Handle, CallParameters = parameters }, ndisCompletion)
                with { NdisPartyHandle = party?.Handle, Created = party is not null };
        });

    /// <summary>
    /// How the simulated network answers a call to a routed address: a rejection carries its cause's status, at once or
    /// after the route's delay; a reachable address with a delay answers SUCCESS then. Null: the handler's behavior decides.
    /// </summary>
    private HandlerBehavior? RoutedBehavior(RoutingRule? route)
    {
        var behavior = route switch
        {
            { Cause: { } cause, AnswerDelay: { } delay } => new HandlerBehavior(BehaviorMode.Pend, Q2931Causes.ToStatus(cause), delay),
            { Cause: { } cause } => HandlerBehavior.CompleteWith(Q2931Causes.ToStatus(cause)),
            { AnswerDelay: { } delay } => new HandlerBehavior(BehaviorMode.Pend, NdisStatuses.Success, delay),
            _ => null,
        };
        if (behavior is { Mode: BehaviorMode.Pend })
        {
            RequirePendingRoom();
        }

        return behavior;
    }

    private bool SupportsMultipoint(AddressFamilyOpen af) =>
        af.Family.AddressFamily == AddressFamilyType.Q2931 && Options.Profile.SupportsMultipoint;

    /// <summary>
    /// Whether the MCM can read these parameters on this address family: an ATM (Q.2931) MCM has no use for TAPI
    /// call-manager parameters or ISDN media parameters, and an ISDN (TAPI) one none for Q.2931 or ATM ones.
    /// </summary>
    private static bool Readable(AddressFamilyOpen af, CallParameters parameters) => af.Family.AddressFamily == AddressFamilyType.Q2931
        ? parameters.CallMgrParameters?.Tapi is null && parameters.MediaParameters?.Isdn is null
        : parameters.CallMgrParameters?.Q2931 is null && parameters.MediaParameters?.Atm is null;

    /// <summary>
    /// The parameters the MCM hands back, flagged CALL_PARAMETERS_CHANGED when they differ from what the client gave:
    /// a VCI, B-channels or rates the MCM filled in (PROTOCOL_CL_MAKE_CALL_COMPLETE; "Making a Call").
    /// </summary>
    private static CallParameters Flagged(CallParameters given, CallParameters returned) =>
        returned == given || returned.ParametersChanged ? returned : returned with { Flags = returned.Flags | CallParameterFlags.CallParametersChanged };

    private void StartCall(VirtualConnection vc, bool multipoint, Party? initialParty, CallParameters? parameters)
    {
        vc.StartCall(multipoint);
        vc.CallParameters = parameters;
        if (initialParty is not null)
        {
            vc.AddParty(initialParty);
            _parties.Add(initialParty.Handle, initialParty);
        }
    }

    /// <summary>The MCM completes a pended ProtocolCmMakeCall with the handles NDIS gave it.</summary>
    public Outcome NdisMCmMakeCallComplete(
        NdisStatus status, string ndisVcHandle, string? ndisPartyHandle, string? callMgrPartyContext, CallParameters? callParameters) =>
        Turn(EventName.NdisMCmMakeCallComplete, () =>
            MakeCallComplete(status, ndisVcHandle, ndisPartyHandle, callMgrPartyContext, callParameters, Options.Duties == McmDuties.Auto));

    private Outcome MakeCallComplete(
        NdisStatus status, string? vcHandle, string? partyHandle, string? callMgrPartyContext, CallParameters? callParameters, bool duties, byte? cause = null)
    {
        RequireNotPending(status);
        var vc = VcOf(vcHandle);
        var op = PendedBy(EventName.ProtocolCmMakeCall, vc.Handle);
        Require(vc.IsMultipoint ? partyHandle is not null : partyHandle is null && callMgrPartyContext is null,
            Rules.MakeCallCompletePartyMismatch,
            vc.IsMultipoint ? "The call is multipoint: pass the initial party's NdisPartyHandle." : "The call is point-to-point: NdisPartyHandle and CallMgrPartyContext must be NULL.");
        Require(partyHandle == op.PartyHandle, Rules.CompletionHandleMismatch, $"ProtocolCmMakeCall was given party {op.PartyHandle}, not {partyHandle}.");
        Require(!(status.IsSuccess && vc.IsMultipoint && callMgrPartyContext is null), Rules.AddPartyCompleteWithoutContext,
            "A successful completion that creates a party must carry a non-NULL CallMgrPartyContext.");
        var parameters = callParameters ?? op.CallParameters ?? DefaultParameters(vc.Af);
        if (_network.HeldBy(vc.Handle) is { } held)
        {
            // The MCM reports the connection it set up: the VPI/VCI or B-channels it allocated.
            parameters = Flagged(parameters, Network.WithIds(parameters, held));
        }

        var mustActivate = status.IsSuccess && vc.Activation == Activation.Inactive;
        Require(!mustActivate || duties, Rules.MakeCallCompleteInactiveVc, $"VC {vc.Handle} is inactive; call NdisMCmActivateVc before NdisMCmMakeCallComplete(SUCCESS) (NdisMCmMakeCallComplete macro).");

        Finish(op, vc.Handle);
        var party = op.PartyHandle is null ? null : _parties[op.PartyHandle];
        if (mustActivate)
        {
            Activate(vc, parameters);
        }

        if (status.IsSuccess)
        {
            vc.CallParameters = parameters;
            vc.Apply(CallTrigger.MakeCallSucceeded);
            if (party is not null)
            {
                party.CallMgrPartyContext = callMgrPartyContext;
                party.Apply(PartyTrigger.AddSucceeded);
            }
        }
        else
        {
            if (duties && vc.Activation == Activation.Active)
            {
                Deactivate(vc);
            }

            // NdisMCmMakeCallComplete: the party handle is invalid after a failed make call.
            vc.Apply(CallTrigger.MakeCallFailed);
            RetireParties(party);
            _network.Release(vc.Handle);
        }

        Emit(new NdisEvent
        {
            Name = EventName.NdisMCmMakeCallComplete, Role = Role.Mcm, Status = status, NdisVcHandle = vc.Handle, NdisPartyHandle = partyHandle,
            CallMgrPartyContext = callMgrPartyContext, CallParameters = parameters, PendingOperationId = op.Id, Cause = cause,
        });
        Emit(new NdisEvent
        {
            Name = EventName.ProtocolClMakeCallComplete, Role = Role.Client, Status = status, ProtocolVcContext = vc.ProtocolVcContext,
            NdisPartyHandle = status.IsSuccess ? partyHandle : null, CallParameters = parameters, PendingOperationId = op.Id, Cause = cause,
        });
        return Completed(status) with { PendingOperationId = op.Id };
    }

    private void RetireParties(params Party?[] parties)
    {
        foreach (var party in parties)
        {
            if (party is not null)
            {
                _parties.Remove(party.Handle);
                party.Vc.RemoveParty(party);
            }
        }
    }

    /// <summary>
    /// The client closes the call on a VC (also its answer to an incoming close); NDIS marks the VC closing and
    /// calls the MCM's ProtocolCmCloseCall. For a multipoint call, <paramref name="ndisPartyHandle"/> is the last party.
    /// </summary>
    public Outcome NdisClCloseCall(string ndisVcHandle, string? ndisPartyHandle, string? closeData) =>
        Turn(EventName.NdisClCloseCall, () =>
        {
            var vc = VcOf(ndisVcHandle);
            var named = ndisPartyHandle is null ? null : PartyOf(ndisPartyHandle);
            // NdisClDropParty: the party handle is invalid for the client as soon as it asks to drop the party.
            Require(named is not { State: PartyState.DropPending }, Rules.DroppedPartyUsed,
                $"Party {ndisPartyHandle} is being dropped; its handle became invalid when NdisClDropParty was called.");
            var call = new NdisEvent
            {
                Name = EventName.NdisClCloseCall, Role = Role.Client, NdisVcHandle = vc.Handle, ProtocolVcContext = vc.ProtocolVcContext,
                NdisPartyHandle = ndisPartyHandle, ProtocolPartyContext = named?.ProtocolPartyContext, CloseData = closeData,
            };
            var callback = new NdisEvent
            {
                Name = EventName.ProtocolClCloseCallComplete, Role = Role.Client, ProtocolVcContext = vc.ProtocolVcContext, ProtocolPartyContext = named?.ProtocolPartyContext,
            };
            if (vc.IsClosing)
            {
                return Reject(Rules.SecondRequestWhilePending, $"A close of VC {vc.Handle} is already pending.", call, callback);
            }

            RequireAllowed(vc.Call.RefusalOf(CallTrigger.ClosePended), $"VC {vc.Handle} has no call to close ({vc.Call}).");
            if (vc.IsMultipoint && vc.LiveParties > 1)
            {
                return Reject(Rules.CloseCallWithParties, $"VC {vc.Handle} still has {vc.LiveParties} parties; drop all but the last first (NdisClCloseCall function).", call, callback);
            }

            Require(vc.IsMultipoint ? named is not null && named.Vc == vc : named is null, Rules.CloseCompletePartyMismatch,
                vc.IsMultipoint ? $"Name the last party of VC {vc.Handle}." : "The call is point-to-point: NdisPartyHandle must be NULL (NdisMCmCloseCallComplete macro).");

            var handler = new NdisEvent
            {
                Name = EventName.ProtocolCmCloseCall, Role = Role.Mcm, CallMgrVcContext = vc.CallMgrVcContext, CallMgrPartyContext = named?.CallMgrPartyContext,
                NdisVcHandle = vc.Handle, NdisPartyHandle = named?.Handle, CloseData = closeData,
            };
            if (closeData is not null && !Options.Profile.SupportsCloseData)
            {
                // PROTOCOL_CM_CLOSE_CALL: INVALID_DATA when the medium cannot send data on close.
                return Answered(NdisStatuses.InvalidData, call, handler, callback);
            }

            var behavior = Behavior(CmHandler.ProtocolCmCloseCall);
            // PROTOCOL_CM_CLOSE_CALL: an MCM that still owes completions on the call cannot finish the close at once, so
            // it pends it; V-CMP-03 then holds its close completion, not the client's request (docs/rules.md#v-cmp-03).
            var owes = OwedOn(vc) is not null;
            if (behavior.Mode == BehaviorMode.Pend || (owes && behavior.Status.IsSuccess))
            {
                RequirePendingRoom();
                vc.Apply(CallTrigger.ClosePended);
                var op = Pend(EventName.ProtocolCmCloseCall, EventName.NdisMCmCloseCallComplete, Role.Mcm, vc.Handle, behavior, vc.Af,
                    vc: vc.Handle, party: named?.Handle);
                Emit(call with { Status = NdisStatuses.Pending });
                Emit(handler with { Status = NdisStatuses.Pending, PendingOperationId = op.Id });
                return Pended(op);
            }

            if (!behavior.Status.IsSuccess)
            {
                return Answered(behavior.Status, call, handler, callback);
            }

            var ndisCompletion = NdisCompletion(call.Name);
            Emit(Returning(call, behavior.Status, ndisCompletion));
            Emit(handler with { Status = behavior.Status });
            if (vc.Activation == Activation.Active)
            {
                // PROTOCOL_CL_CLOSE_CALL_COMPLETE: a successful close means the call is closed and the VC deactivated.
                Deactivate(vc);
            }

            var returned = Returned(behavior.Status, callback, ndisCompletion);
            FinishClose(vc, duties: Options.Duties == McmDuties.Auto);
            return returned;
        });

    /// <summary>A request pended about the call or its parties that the MCM has still to complete, other than the close.</summary>
    private static PendingOperation? OwedOn(VirtualConnection vc) =>
        // Every request pended about a call or its parties names the VC, so the VC's own list is enough.
        vc.Pended.Find(p => p.CompletedBy == Role.Mcm && p.Handler != EventName.ProtocolCmCloseCall);

    /// <summary>V-CMP-03: a call may not be torn down while the MCM still owes a completion on it.</summary>
    private static void RequireNothingElsePending(VirtualConnection vc)
    {
        var abandoned = OwedOn(vc);
        Require(abandoned is null, Rules.PendedRequestAbandoned,
            $"{abandoned?.Handler} ({abandoned?.Id}) on VC {vc.Handle} is still pended; complete it before the call is closed.");
    }

    /// <summary>The MCM completes a pended ProtocolCmCloseCall with the handles NDIS gave it.</summary>
    public Outcome NdisMCmCloseCallComplete(NdisStatus status, string ndisVcHandle, string? ndisPartyHandle) =>
        Turn(EventName.NdisMCmCloseCallComplete, () => CloseCallComplete(status, ndisVcHandle, ndisPartyHandle, Options.Duties == McmDuties.Auto));

    private Outcome CloseCallComplete(NdisStatus status, string? vcHandle, string? partyHandle, bool duties)
    {
        RequireNotPending(status);
        var vc = VcOf(vcHandle);
        var op = PendedBy(EventName.ProtocolCmCloseCall, vc.Handle);
        // NdisMCmCloseCallComplete: NULL party for point-to-point, the last remaining party for multipoint (NdisMCmCloseCallComplete macro).
        Require(partyHandle == op.PartyHandle, Rules.CloseCompletePartyMismatch,
            vc.IsMultipoint ? $"Pass the last remaining party, {op.PartyHandle}, not {partyHandle ?? "NULL"}." : "The call is point-to-point: NdisPartyHandle must be NULL.");
        if (status.IsSuccess)
        {
            RequireNothingElsePending(vc);
            RequireOrderly(duties || vc.Activation == Activation.Inactive, Rules.CloseCompleteWhileActive,
                $"VC {vc.Handle} is still active; call NdisMCmDeactivateVc before NdisMCmCloseCallComplete(SUCCESS) (PROTOCOL_CM_CLOSE_CALL).");
        }

        Finish(op, vc.Handle);
        // The party is gone if the make call this close interrupted failed meanwhile.
        var party = partyHandle is null ? null : _parties.GetValueOrDefault(partyHandle);
        if (!status.IsSuccess)
        {
            vc.Apply(CallTrigger.CloseFailed);
            EmitCloseCompletion(vc, status, partyHandle, party, op.Id);
            return Completed(status) with { PendingOperationId = op.Id };
        }

        if (duties && vc.Activation == Activation.Active)
        {
            Deactivate(vc);
        }

        EmitCloseCompletion(vc, status, partyHandle, party, op.Id);
        FinishClose(vc, duties);
        return Completed(status) with { PendingOperationId = op.Id };
    }

    private void EmitCloseCompletion(VirtualConnection vc, NdisStatus status, string? partyHandle, Party? party, string opId)
    {
        Emit(new NdisEvent
        {
            Name = EventName.NdisMCmCloseCallComplete, Role = Role.Mcm, Status = status, NdisVcHandle = vc.Handle, NdisPartyHandle = partyHandle,
            PendingOperationId = opId,
        });
        Emit(new NdisEvent
        {
            Name = EventName.ProtocolClCloseCallComplete, Role = Role.Client, Status = status, ProtocolVcContext = vc.ProtocolVcContext,
            ProtocolPartyContext = party?.ProtocolPartyContext, PendingOperationId = opId,
        });
    }

    /// <summary>The call is closed: its parties go, and with the MCM's duties an MCM-created VC is deactivated and deleted.</summary>
    private void FinishClose(VirtualConnection vc, bool duties)
    {
        _network.Release(vc.Handle);
        RetireParties([.. vc.Parties]);
        vc.Apply(CallTrigger.CloseSucceeded);
        DropClientRequestsOn(vc);
        if (duties)
        {
            TidyAfterCall(vc);
        }
    }

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

    /// <summary>An offer the client had not yet answered dies with its call.</summary>
    private void DropClientRequestsOn(VirtualConnection vc)
    {
        if (_pendingByKey.TryGetValue((EventName.ProtocolClIncomingCall, vc.Handle), out var offer))
        {
            Finish(offer, vc.Handle);
        }
    }

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
            var op = Pend(EventName.ProtocolClIncomingCall, EventName.NdisClIncomingCallComplete, Role.Client, vc.Handle, af: vc.Af,
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
        Require(!_pendingByKey.ContainsKey((EventName.ProtocolCmModifyCallQoS, vc.Handle)), Rules.CallInWrongState,
            $"The QoS change the client asked for on VC {vc.Handle} is still pending; complete the offer once ProtocolClModifyCallQoSComplete has arrived.");

        Finish(op, vc.Handle);
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

    /// <summary>The client asks to change the QoS of a connected call; NDIS calls the MCM's ProtocolCmModifyCallQoS.</summary>
    public Outcome NdisClModifyCallQoS(string ndisVcHandle, CallParameters callParameters) =>
        Turn(EventName.NdisClModifyCallQoS, () =>
        {
            ArgumentNullException.ThrowIfNull(callParameters);
            var vc = VcOf(ndisVcHandle);
            // NdisClIncomingCallComplete: a client may negotiate QoS on an offered call before it completes the offer.
            RequireAllowed(vc.Call.RefusalOf(CallTrigger.ModifyQos), $"VC {vc.Handle} has no connected or offered call ({vc.Call}).");
            var call = new NdisEvent
            {
                Name = EventName.NdisClModifyCallQoS, Role = Role.Client, NdisVcHandle = vc.Handle, ProtocolVcContext = vc.ProtocolVcContext, CallParameters = callParameters,
            };
            var callback = new NdisEvent
            {
                Name = EventName.ProtocolClModifyCallQoSComplete, Role = Role.Client, ProtocolVcContext = vc.ProtocolVcContext, CallParameters = callParameters,
            };
            if (_pendingByKey.ContainsKey((EventName.ProtocolCmModifyCallQoS, vc.Handle)))
            {
                return Reject(Rules.SecondRequestWhilePending, $"A QoS change of VC {vc.Handle} is already pending.", call, callback);
            }

            var handler = new NdisEvent
            {
                Name = EventName.ProtocolCmModifyCallQoS, Role = Role.Mcm, CallMgrVcContext = vc.CallMgrVcContext, NdisVcHandle = vc.Handle, CallParameters = callParameters,
            };
            if (!Readable(vc.Af, callParameters))
            {
                // PROTOCOL_CM_MODIFY_QOS_CALL: INVALID_DATA for call parameters that are illegal or invalid.
                return Answered(NdisStatuses.InvalidData, call, handler, callback);
            }

            if (_network.Refusal(vc.Handle, callParameters) is not null)
            {
                // PROTOCOL_CM_MODIFY_QOS_CALL: what the network cannot take leaves the VC as it was, and the answer is FAILURE.
                return Answered(NdisStatuses.Failure, call, handler, callback);
            }

            var behavior = Behavior(CmHandler.ProtocolCmModifyCallQoS);
            if (behavior.Mode == BehaviorMode.Pend)
            {
                var op = Pend(EventName.ProtocolCmModifyCallQoS, EventName.NdisMCmModifyCallQoSComplete, Role.Mcm, vc.Handle, behavior, vc.Af,
                    vc: vc.Handle, parameters: callParameters, activationCount: vc.ActivationCount);
                Emit(call with { Status = NdisStatuses.Pending });
                Emit(handler with { Status = NdisStatuses.Pending, PendingOperationId = op.Id });
                return Pended(op);
            }

            if (!behavior.Status.IsSuccess)
            {
                return Answered(behavior.Status, call, handler, callback);
            }

            var ndisCompletion = NdisCompletion(call.Name);
            Emit(Returning(call, behavior.Status, ndisCompletion));
            Emit(handler with { Status = behavior.Status });
            // PROTOCOL_CM_MODIFY_QOS_CALL: new parameters take effect through NdisMCmActivateVc.
            var granted = Flagged(callParameters, _network.Reserve(vc.Handle, callParameters));
            Activate(vc, granted);
            vc.CallParameters = granted;
            return Returned(behavior.Status, callback with { CallParameters = granted }, ndisCompletion);
        });

    /// <summary>The MCM completes a pended ProtocolCmModifyCallQoS.</summary>
    public Outcome NdisMCmModifyCallQoSComplete(NdisStatus status, string ndisVcHandle, CallParameters? callParameters) =>
        Turn(EventName.NdisMCmModifyCallQoSComplete, () => ModifyCallQoSComplete(status, ndisVcHandle, callParameters, Options.Duties == McmDuties.Auto));

    private Outcome ModifyCallQoSComplete(NdisStatus status, string? vcHandle, CallParameters? callParameters, bool duties)
    {
        RequireNotPending(status);
        var vc = VcOf(vcHandle);
        var op = PendedBy(EventName.ProtocolCmModifyCallQoS, vc.Handle);
        var parameters = status.IsSuccess ? callParameters ?? op.CallParameters! : vc.CallParameters;
        var activated = vc.ActivationCount > op.ActivationCountAtRequest && vc.ActiveParameters == parameters;
        Require(!status.IsSuccess || activated || duties, Rules.QosWithoutActivation,
            $"Activate VC {vc.Handle} with the new parameters (NdisMCmActivateVc) before completing the QoS change (PROTOCOL_CM_MODIFY_QOS_CALL).");

        Finish(op, vc.Handle);
        if (status.IsSuccess)
        {
            parameters = Flagged(parameters!, _network.Reserve(vc.Handle, parameters!));
            if (!activated)
            {
                Activate(vc, parameters);
            }

            vc.CallParameters = parameters;
        }

        Emit(new NdisEvent
        {
            Name = EventName.NdisMCmModifyCallQoSComplete, Role = Role.Mcm, Status = status, NdisVcHandle = vc.Handle, CallParameters = parameters,
            PendingOperationId = op.Id,
        });
        Emit(new NdisEvent
        {
            Name = EventName.ProtocolClModifyCallQoSComplete, Role = Role.Client, Status = status, ProtocolVcContext = vc.ProtocolVcContext,
            CallParameters = parameters, PendingOperationId = op.Id,
        });
        return Completed(status) with { PendingOperationId = op.Id };
    }

    /// <summary>The remote side changed the QoS; the MCM has re-activated the VC with it and tells the client.</summary>
    public Outcome NdisMCmDispatchIncomingCallQoSChange(string ndisVcHandle, CallParameters callParameters) =>
        Turn(EventName.NdisMCmDispatchIncomingCallQoSChange, () =>
        {
            ArgumentNullException.ThrowIfNull(callParameters);
            var vc = VcOf(ndisVcHandle);
            RequireAllowed(vc.Call.RefusalOf(CallTrigger.IncomingQosChange), $"VC {vc.Handle} has no connected call ({vc.Call}).");
            var activated = vc.ActiveParameters == callParameters;
            var duties = Options.Duties == McmDuties.Auto;
            Require(activated || duties, Rules.QosWithoutActivation,
                $"Activate VC {vc.Handle} with the new parameters (NdisMCmActivateVc) before dispatching the change (NdisMCmDispatchIncomingCallQoSChange macro).");
            if (_network.Refusal(vc.Handle, callParameters) is { } full)
            {
                Emit(new NdisEvent { Name = EventName.NdisMCmDispatchIncomingCallQoSChange, Role = Role.Mcm, Status = full, NdisVcHandle = vc.Handle, CallParameters = callParameters });
                return Completed(full);
            }

            _network.Reserve(vc.Handle, callParameters);

            if (!activated)
            {
                Activate(vc, callParameters);
            }

            vc.CallParameters = callParameters;
            Emit(new NdisEvent
            {
                Name = EventName.NdisMCmDispatchIncomingCallQoSChange, Role = Role.Mcm, NdisVcHandle = vc.Handle, CallParameters = callParameters,
            });
            Emit(new NdisEvent
            {
                Name = EventName.ProtocolClIncomingCallQoSChange, Role = Role.Client, ProtocolVcContext = vc.ProtocolVcContext, CallParameters = callParameters,
            });
            return Completed(NdisStatuses.Success);
        });
}
