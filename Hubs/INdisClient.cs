namespace NdisMock.Hubs;

/// <summary>
/// What a hub subscriber receives: one method per journal event name, spelled exactly as the NDIS function, handler or
/// callback, each with the event as its single argument; plus <see cref="SubscriptionEnded"/>.
/// </summary>
public interface INdisClient
{
    Task NdisClOpenAddressFamilyEx(NdisEventMessage e);

    Task NdisClCloseAddressFamily(NdisEventMessage e);

    Task NdisClRegisterSap(NdisEventMessage e);

    Task NdisClDeregisterSap(NdisEventMessage e);

    Task NdisCoCreateVc(NdisEventMessage e);

    Task NdisCoDeleteVc(NdisEventMessage e);

    Task NdisClMakeCall(NdisEventMessage e);

    Task NdisClCloseCall(NdisEventMessage e);

    Task NdisClAddParty(NdisEventMessage e);

    Task NdisClDropParty(NdisEventMessage e);

    Task NdisClModifyCallQoS(NdisEventMessage e);

    Task NdisClIncomingCallComplete(NdisEventMessage e);

    Task NdisClNotifyCloseAddressFamilyComplete(NdisEventMessage e);

    Task NdisMCmRegisterAddressFamilyEx(NdisEventMessage e);

    Task NdisMCmCreateVc(NdisEventMessage e);

    Task NdisMCmDeleteVc(NdisEventMessage e);

    Task NdisMCmActivateVc(NdisEventMessage e);

    Task NdisMCmDeactivateVc(NdisEventMessage e);

    Task NdisMCmDispatchIncomingCall(NdisEventMessage e);

    Task NdisMCmDispatchCallConnected(NdisEventMessage e);

    Task NdisMCmDispatchIncomingCloseCall(NdisEventMessage e);

    Task NdisMCmDispatchIncomingDropParty(NdisEventMessage e);

    Task NdisMCmDispatchIncomingCallQoSChange(NdisEventMessage e);

    Task NdisMCmNotifyCloseAddressFamily(NdisEventMessage e);

    Task NdisMCmOpenAddressFamilyComplete(NdisEventMessage e);

    Task NdisMCmCloseAddressFamilyComplete(NdisEventMessage e);

    Task NdisMCmRegisterSapComplete(NdisEventMessage e);

    Task NdisMCmDeregisterSapComplete(NdisEventMessage e);

    Task NdisMCmMakeCallComplete(NdisEventMessage e);

    Task NdisMCmCloseCallComplete(NdisEventMessage e);

    Task NdisMCmAddPartyComplete(NdisEventMessage e);

    Task NdisMCmDropPartyComplete(NdisEventMessage e);

    Task NdisMCmModifyCallQoSComplete(NdisEventMessage e);

    Task ProtocolCmOpenAf(NdisEventMessage e);

    Task ProtocolCmCloseAf(NdisEventMessage e);

    Task ProtocolCmRegisterSap(NdisEventMessage e);

    Task ProtocolCmDeregisterSap(NdisEventMessage e);

    Task ProtocolCmMakeCall(NdisEventMessage e);

    Task ProtocolCmCloseCall(NdisEventMessage e);

    Task ProtocolCmAddParty(NdisEventMessage e);

    Task ProtocolCmDropParty(NdisEventMessage e);

    Task ProtocolCmModifyCallQoS(NdisEventMessage e);

    Task ProtocolCmIncomingCallComplete(NdisEventMessage e);

    Task ProtocolCmNotifyCloseAfComplete(NdisEventMessage e);

    Task ProtocolCoCreateVc(NdisEventMessage e);

    Task ProtocolCoDeleteVc(NdisEventMessage e);

    Task ProtocolCoAfRegisterNotify(NdisEventMessage e);

    Task ProtocolClOpenAfCompleteEx(NdisEventMessage e);

    Task ProtocolClCloseAfComplete(NdisEventMessage e);

    Task ProtocolClRegisterSapComplete(NdisEventMessage e);

    Task ProtocolClDeregisterSapComplete(NdisEventMessage e);

    Task ProtocolClMakeCallComplete(NdisEventMessage e);

    Task ProtocolClCloseCallComplete(NdisEventMessage e);

    Task ProtocolClAddPartyComplete(NdisEventMessage e);

    Task ProtocolClDropPartyComplete(NdisEventMessage e);

    Task ProtocolClModifyCallQoSComplete(NdisEventMessage e);

    Task ProtocolClIncomingCall(NdisEventMessage e);

    Task ProtocolClCallConnected(NdisEventMessage e);

    Task ProtocolClIncomingCloseCall(NdisEventMessage e);

    Task ProtocolClIncomingDropParty(NdisEventMessage e);

    Task ProtocolClIncomingCallQoSChange(NdisEventMessage e);

    Task ProtocolClNotifyCloseAf(NdisEventMessage e);

    /// <summary>A subscription stopped (sandbox deleted, or the subscriber fell behind the bounded journal).</summary>
    Task SubscriptionEnded(SubscriptionEndedMessage message);
}
