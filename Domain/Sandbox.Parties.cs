namespace NdisMock.Domain;

// Parties of multipoint calls (docs/state-machines.md#party).
public sealed partial class Sandbox
{
    /// <summary>The client adds a party to its multipoint call; NDIS calls the MCM's ProtocolCmAddParty.</summary>
    public Outcome NdisClAddParty(string ndisVcHandle, string? protocolPartyContext, CallParameters? callParameters) =>
        Turn(EventName.NdisClAddParty, () =>
        {
            var vc = VcOf(ndisVcHandle);
            RequireAllowed(vc.Call.RefusalOf(CallTrigger.AddParty), $"VC {vc.Handle} has no connected call to add a party to ({vc.Call}).");
            var parameters = callParameters ?? vc.CallParameters ?? DefaultParameters(vc.Af);
            var call = new NdisEvent
            {
                Name = EventName.NdisClAddParty, Role = Role.Client, NdisVcHandle = vc.Handle, ProtocolPartyContext = protocolPartyContext, CallParameters = parameters,
            };
            var callback = new NdisEvent
            {
                Name = EventName.ProtocolClAddPartyComplete, Role = Role.Client, ProtocolPartyContext = protocolPartyContext, CallParameters = parameters,
            };
            if (!vc.IsMultipoint)
            {
                return Reject(Rules.AddPartyPointToPoint, $"The call on VC {vc.Handle} is point-to-point; make it with a ProtocolPartyContext to add parties (NdisClAddParty function).", call, callback);
            }

            var unnamed = new NdisEvent { Name = EventName.ProtocolCmAddParty, Role = Role.Mcm, CallMgrVcContext = vc.CallMgrVcContext, CallParameters = parameters };
            if (!Readable(vc.Af, parameters))
            {
                // PROTOCOL_CM_ADD_PARTY: NOT_SUPPORTED for call parameters the call manager cannot use.
                return Answered(NdisStatuses.NotSupported, call, unnamed, callback);
            }

            if (_network.Refusal(vc.Handle, parameters) is { } full)
            {
                // The new leaf would need more than the call holds and the link has left.
                return Answered(full, call, unnamed, callback);
            }

            RequirePartyRoom();
            var party = new Party(_handles.Next(HandleKind.Party), vc, protocolPartyContext, _undo);
            call = call with { NdisPartyHandle = party.Handle };
            var handler = new NdisEvent
            {
                Name = EventName.ProtocolCmAddParty, Role = Role.Mcm, CallMgrVcContext = vc.CallMgrVcContext, NdisPartyHandle = party.Handle, CallParameters = parameters,
            };
            var behavior = Behavior(CmHandler.ProtocolCmAddParty);
            if (behavior.Mode == BehaviorMode.Pend)
            {
                vc.AddParty(party);
                _parties.Add(party.Handle, party);
                var op = Pend(EventName.ProtocolCmAddParty, party.Handle, behavior, vc.Af,
                    vc: vc.Handle, party: party.Handle, parameters: parameters);
                return HandlerPended(op, call, handler) with { NdisPartyHandle = party.Handle, Created = true };
            }

            if (!behavior.Status.IsSuccess)
            {
                return Answered(behavior.Status, call, handler, callback);
            }

            party.CallMgrPartyContext = $"cm-{party.Handle}";
            party.Apply(PartyTrigger.AddSucceeded);
            vc.AddParty(party);
            _parties.Add(party.Handle, party);
            var ndisCompletion = NdisCompletion(call.Name);
            Emit(Returning(call, behavior.Status, ndisCompletion));
            Emit(handler with { Status = behavior.Status, CallMgrPartyContext = party.CallMgrPartyContext });
            return Returned(behavior.Status, callback with { NdisPartyHandle = party.Handle }, ndisCompletion)
                with { NdisPartyHandle = party.Handle, Created = true };
        });

    /// <summary>The MCM completes a pended ProtocolCmAddParty; success needs its CallMgrPartyContext.</summary>
    public Outcome NdisMCmAddPartyComplete(NdisStatus status, string ndisPartyHandle, string? callMgrPartyContext, CallParameters? callParameters) =>
        Turn(EventName.NdisMCmAddPartyComplete, () => AddPartyComplete(status, ndisPartyHandle, callMgrPartyContext, callParameters));

    private Outcome AddPartyComplete(NdisStatus status, string? partyHandle, string? callMgrPartyContext, CallParameters? callParameters)
    {
        RequireNotPending(status);
        var party = PartyOf(partyHandle);
        var op = PendedBy(EventName.ProtocolCmAddParty, party.Handle);
        Require(!status.IsSuccess || callMgrPartyContext is not null, Rules.AddPartyCompleteWithoutContext,
            "NdisMCmAddPartyComplete(SUCCESS) must carry a non-NULL CallMgrPartyContext (NdisMCmAddPartyComplete macro).");

        Finish(op);
        var parameters = callParameters ?? op.CallParameters;
        if (status.IsSuccess)
        {
            party.CallMgrPartyContext = callMgrPartyContext;
            party.Apply(PartyTrigger.AddSucceeded);
        }
        else
        {
            RetireParties(party);
        }

        Emit(new NdisEvent
        {
            Name = EventName.NdisMCmAddPartyComplete, Role = Role.Mcm, Status = status, NdisPartyHandle = party.Handle, CallMgrPartyContext = callMgrPartyContext,
            CallParameters = parameters, PendingOperationId = op.Id,
        });
        Emit(new NdisEvent
        {
            Name = EventName.ProtocolClAddPartyComplete, Role = Role.Client, Status = status, ProtocolPartyContext = party.ProtocolPartyContext,
            NdisPartyHandle = status.IsSuccess ? party.Handle : null, CallParameters = parameters, PendingOperationId = op.Id,
        });
        return Completed(status) with { PendingOperationId = op.Id };
    }

    /// <summary>The client drops a party that is not the last; its handle is invalid for the client at once.</summary>
    public Outcome NdisClDropParty(string ndisPartyHandle, string? closeData) =>
        Turn(EventName.NdisClDropParty, () =>
        {
            var party = PartyOf(ndisPartyHandle);
            RequireAllowed(party.RefusalOf(PartyTrigger.DropPended), party.State == PartyState.DropPending
                ? $"Party {party.Handle} is already being dropped; its handle became invalid then."
                : $"Party {party.Handle} is {party.State}; only a connected party can be dropped.");
            var vc = party.Vc;
            var call = new NdisEvent
            {
                Name = EventName.NdisClDropParty, Role = Role.Client, NdisPartyHandle = party.Handle, ProtocolPartyContext = party.ProtocolPartyContext, CloseData = closeData,
            };
            var handler = new NdisEvent
            {
                Name = EventName.ProtocolCmDropParty, Role = Role.Mcm, CallMgrPartyContext = party.CallMgrPartyContext, NdisPartyHandle = party.Handle, CloseData = closeData,
            };
            var callback = new NdisEvent { Name = EventName.ProtocolClDropPartyComplete, Role = Role.Client, ProtocolPartyContext = party.ProtocolPartyContext };
            if (vc.LiveParties <= 1)
            {
                return Reject(Rules.DropLastParty, $"Party {party.Handle} is the last of VC {vc.Handle}; close the call with NdisClCloseCall instead (PROTOCOL_CL_DROP_PARTY_COMPLETE).", call, callback, also: handler);
            }

            if (closeData is not null && !Options.Profile.SupportsCloseData)
            {
                // PROTOCOL_CM_DROP_PARTY: INVALID_DATA when the medium cannot send data on a drop.
                return Answered(NdisStatuses.InvalidData, call, handler, callback);
            }

            var behavior = Behavior(CmHandler.ProtocolCmDropParty);
            if (behavior.Mode == BehaviorMode.Pend)
            {
                party.Apply(PartyTrigger.DropPended);
                var op = Pend(EventName.ProtocolCmDropParty, party.Handle, behavior, vc.Af,
                    vc: vc.Handle, party: party.Handle);
                return HandlerPended(op, call, handler);
            }

            var answered = Answered(behavior.Status, call, handler, callback);
            if (behavior.Status.IsSuccess)
            {
                RetireParties(party);
            }

            return answered;
        });

    /// <summary>The MCM completes a pended ProtocolCmDropParty; after SUCCESS the party handle is dead (NdisMCmDropPartyComplete macro).</summary>
    public Outcome NdisMCmDropPartyComplete(NdisStatus status, string ndisPartyHandle) =>
        Turn(EventName.NdisMCmDropPartyComplete, () => DropPartyComplete(status, ndisPartyHandle));

    private Outcome DropPartyComplete(NdisStatus status, string? partyHandle)
    {
        RequireNotPending(status);
        var party = PartyOf(partyHandle);
        var op = PendedBy(EventName.ProtocolCmDropParty, party.Handle);

        Finish(op);
        if (status.IsSuccess)
        {
            RetireParties(party);
        }
        else
        {
            party.Apply(PartyTrigger.DropFailed);
        }

        Emit(new NdisEvent
        {
            Name = EventName.NdisMCmDropPartyComplete, Role = Role.Mcm, Status = status, NdisPartyHandle = party.Handle, PendingOperationId = op.Id,
        });
        Emit(new NdisEvent
        {
            Name = EventName.ProtocolClDropPartyComplete, Role = Role.Client, Status = status, ProtocolPartyContext = party.ProtocolPartyContext,
            PendingOperationId = op.Id,
        });
        return Completed(status) with { PendingOperationId = op.Id };
    }

    /// <summary>A remote party left a multipoint call that keeps other parties; the client must drop it.</summary>
    public Outcome NdisMCmDispatchIncomingDropParty(NdisStatus dropStatus, string ndisPartyHandle, string? closeData) =>
        Turn(EventName.NdisMCmDispatchIncomingDropParty, () =>
        {
            var party = PartyOf(ndisPartyHandle);
            RequireAllowed(party.RefusalOf(PartyTrigger.RemoteDrop), $"Party {party.Handle} is {party.State}; only a connected party can leave.");
            Require(party.Vc.RemotelyConnectedParties > 1, Rules.IncomingDropLastParty,
                $"Party {party.Handle} is the last of VC {party.Vc.Handle}; use NdisMCmDispatchIncomingCloseCall (NdisMCmDispatchIncomingDropParty macro).");

            party.Apply(PartyTrigger.RemoteDrop);
            Emit(new NdisEvent
            {
                Name = EventName.NdisMCmDispatchIncomingDropParty, Role = Role.Mcm, Status = dropStatus, NdisPartyHandle = party.Handle, CloseData = closeData,
            });
            Emit(new NdisEvent
            {
                Name = EventName.ProtocolClIncomingDropParty, Role = Role.Client, Status = dropStatus, ProtocolPartyContext = party.ProtocolPartyContext, CloseData = closeData,
            });
            return Completed(NdisStatuses.Success);
        });

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
}
