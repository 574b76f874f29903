namespace NdisMock.Domain;

// Outgoing calls and their close (docs/state-machines.md#call): NdisClMakeCall, NdisClCloseCall and their completions.
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

            var party = multipoint ? new Party(_handles.Next(HandleKind.Party), vc, protocolPartyContext, _undo) : null;
            call = call with { NdisPartyHandle = party?.Handle };
            handler = handler with { NdisPartyHandle = party?.Handle };
            var route = RouteFor(parameters);
            var behavior = RoutedBehavior(route) ?? Behavior(CmHandler.ProtocolCmMakeCall);
            if (behavior.Mode == BehaviorMode.Pend)
            {
                StartCall(vc, multipoint, party, parameters);
                vc.Apply(CallTrigger.MakeCallPended);
                var granted = Flagged(parameters, _network.Reserve(vc.Handle, parameters));
                var op = Pend(EventName.ProtocolCmMakeCall, vc.Handle, behavior, vc.Af,
                    vc: vc.Handle, party: party?.Handle, parameters: granted, cause: route?.Cause);
                return HandlerPended(op, call, handler) with { NdisPartyHandle = party?.Handle, Created = party is not null };
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

        Finish(op);
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
                var op = Pend(EventName.ProtocolCmCloseCall, vc.Handle, behavior, vc.Af,
                    vc: vc.Handle, party: named?.Handle);
                return HandlerPended(op, call, handler);
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
        vc.Pended.FirstOrDefault(p => p.CompletedBy == Role.Mcm && p.Handler != EventName.ProtocolCmCloseCall);

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

        Finish(op);
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
}
