namespace NdisMock.Domain;

/// <summary>Whose code an event runs in or comes from.</summary>
public enum Role
{
    Client,
    Mcm,
}

/// <summary>
/// The name of every journal event: the NDIS functions either role calls, the handlers NDIS invokes on the
/// MCM and the callbacks it delivers to the client. Each member is spelled exactly as the WDK spells it.
/// </summary>
public enum EventName
{
    // Functions the client calls.
    NdisClOpenAddressFamilyEx,
    NdisClCloseAddressFamily,
    NdisClRegisterSap,
    NdisClDeregisterSap,
    NdisCoCreateVc,
    NdisCoDeleteVc,
    NdisClMakeCall,
    NdisClCloseCall,
    NdisClAddParty,
    NdisClDropParty,
    NdisClModifyCallQoS,
    NdisClIncomingCallComplete,
    NdisClNotifyCloseAddressFamilyComplete,

    // Functions the MCM calls.
    NdisMCmRegisterAddressFamilyEx,
    NdisMCmCreateVc,
    NdisMCmDeleteVc,
    NdisMCmActivateVc,
    NdisMCmDeactivateVc,
    NdisMCmDispatchIncomingCall,
    NdisMCmDispatchCallConnected,
    NdisMCmDispatchIncomingCloseCall,
    NdisMCmDispatchIncomingDropParty,
    NdisMCmDispatchIncomingCallQoSChange,
    NdisMCmNotifyCloseAddressFamily,
    NdisMCmOpenAddressFamilyComplete,
    NdisMCmCloseAddressFamilyComplete,
    NdisMCmRegisterSapComplete,
    NdisMCmDeregisterSapComplete,
    NdisMCmMakeCallComplete,
    NdisMCmCloseCallComplete,
    NdisMCmAddPartyComplete,
    NdisMCmDropPartyComplete,
    NdisMCmModifyCallQoSComplete,

    // Handlers NDIS invokes on the MCM.
    ProtocolCmOpenAf,
    ProtocolCmCloseAf,
    ProtocolCmRegisterSap,
    ProtocolCmDeregisterSap,
    ProtocolCmMakeCall,
    ProtocolCmCloseCall,
    ProtocolCmAddParty,
    ProtocolCmDropParty,
    ProtocolCmModifyCallQoS,
    ProtocolCmIncomingCallComplete,
    ProtocolCmNotifyCloseAfComplete,

    // Handlers NDIS invokes on either side: on the MCM for client-created VCs, on the client for MCM-created ones.
    ProtocolCoCreateVc,
    ProtocolCoDeleteVc,

    // Callbacks NDIS delivers to the client.
    ProtocolCoAfRegisterNotify,
    ProtocolClOpenAfCompleteEx,
    ProtocolClCloseAfComplete,
    ProtocolClRegisterSapComplete,
    ProtocolClDeregisterSapComplete,
    ProtocolClMakeCallComplete,
    ProtocolClCloseCallComplete,
    ProtocolClAddPartyComplete,
    ProtocolClDropPartyComplete,
    ProtocolClModifyCallQoSComplete,
    ProtocolClIncomingCall,
    ProtocolClCallConnected,
    ProtocolClIncomingCloseCall,
    ProtocolClIncomingDropParty,
    ProtocolClIncomingCallQoSChange,
    ProtocolClNotifyCloseAf,
}

/// <summary>
/// One journal entry: a call made by either role, a handler NDIS invoked, or a callback NDIS delivered. It carries
/// exactly the handles and contexts the real function or callback carries.
/// </summary>
public sealed record NdisEvent
{
    /// <summary>1, 2, 3 … per sandbox, gap-free, never reused. Stamped by the journal on append.</summary>
    public long Sequence { get; internal set; }

    /// <summary>When the journal appended the event (the sandbox's clock).</summary>
    public DateTimeOffset Timestamp { get; internal set; }

    public required EventName Name { get; init; }

    public required Role Role { get; init; }

    public NdisStatus? Status { get; init; }

    public string? NdisAfHandle { get; init; }

    public string? NdisSapHandle { get; init; }

    public string? NdisVcHandle { get; init; }

    public string? NdisPartyHandle { get; init; }

    public string? ClientAfContext { get; init; }

    public string? ProtocolSapContext { get; init; }

    public string? ProtocolVcContext { get; init; }

    public string? ProtocolPartyContext { get; init; }

    public string? CallMgrAfContext { get; init; }

    public string? CallMgrSapContext { get; init; }

    public string? CallMgrVcContext { get; init; }

    public string? CallMgrPartyContext { get; init; }

    public string? PendingOperationId { get; init; }

    public CoAddressFamily? AddressFamily { get; init; }

    public Sap? Sap { get; init; }

    public CallParameters? CallParameters { get; init; }

    public string? CloseData { get; init; }

    /// <summary>The Q.2931 cause of a network rejection or a remote clear, where there is one.</summary>
    public byte? Cause { get; init; }
}
