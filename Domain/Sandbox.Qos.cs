namespace NdisMock.Domain;

// QoS changes of a call: the client's request and its completion, and the remote side's change.
public sealed partial class Sandbox
{
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
            if (_ledger.Contains(EventName.ProtocolCmModifyCallQoS, vc.Handle))
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
                var op = Pend(EventName.ProtocolCmModifyCallQoS, vc.Handle, behavior, vc.Af,
                    vc: vc.Handle, parameters: callParameters, activationCount: vc.ActivationCount);
                return HandlerPended(op, call, handler);
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

        Finish(op);
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
