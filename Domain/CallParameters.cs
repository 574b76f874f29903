namespace NdisMock.Domain;

/// <summary>CO_CALL_PARAMETERS: what a make-call, add-party, incoming call, QoS change or activation carries.</summary>
public sealed record CallParameters(
    CallParameterFlags Flags,
    CallManagerParameters? CallMgrParameters,
    MediaParameters? MediaParameters)
{
    public bool ParametersChanged => Flags.HasFlag(CallParameterFlags.CallParametersChanged);
}

/// <summary>CO_CALL_PARAMETERS.Flags (ndis.h).</summary>
[Flags]
public enum CallParameterFlags : uint
{
    None = 0,
    PermanentVc = 0x1,
    CallParametersChanged = 0x2,
    QueryCallParameters = 0x4,
    BroadcastVc = 0x8,
    MultipointVc = 0x10,
}

/// <summary>CO_MEDIA_PARAMETERS.Flags (ndis.h).</summary>
[Flags]
public enum MediaParameterFlags : uint
{
    None = 0,
    ReceiveTimeIndication = 0x1,
    UseTimeStamps = 0x2,
    TransmitVc = 0x4,
    ReceiveVc = 0x8,
    IndicateErredPackets = 0x10,
    IndicateEndOfTx = 0x20,
    ReserveResourcesVc = 0x40,
    RoundDownFlow = 0x80,
    RoundUpFlow = 0x100,
}

/// <summary>FLOWSPEC (qos.h). <c>0xFFFFFFFF</c> is QOS_NOT_SPECIFIED.</summary>
public sealed record FlowSpec(
    uint TokenRate,
    uint TokenBucketSize,
    uint PeakBandwidth,
    uint Latency,
    uint DelayVariation,
    uint ServiceType,
    uint MaxSduSize,
    uint MinimumPolicedSize)
{
    public const uint NotSpecified = 0xFFFFFFFF;
}

/// <summary>CO_CALL_MANAGER_PARAMETERS with its address-family-specific part.</summary>
public sealed record CallManagerParameters(
    FlowSpec Transmit,
    FlowSpec Receive,
    Q2931CallManagerParameters? Q2931 = null,
    TapiCallManagerParameters? Tapi = null);

/// <summary>ATM_ADDRESS: an NSAP (AESA) or E.164 address as text digits.</summary>
public sealed record AtmAddress(AtmAddressType AddressType, string Address);

public enum AtmAddressType : uint
{
    Nsap = 0,
    E164 = 1,
}

/// <summary>Q2931_CALLMGR_PARAMETERS with the information elements NdisMock understands.</summary>
public sealed record Q2931CallManagerParameters(
    AtmAddress? CalledParty,
    AtmAddress? CallingParty,
    AalParameters? Aal = null,
    AtmTrafficDescriptorIe? TrafficDescriptor = null,
    BroadbandBearerCapability? BroadbandBearer = null);

public enum AtmAalType : uint
{
    Aal0 = 1,
    Aal1 = 2,
    Aal34 = 4,
    Aal5 = 8,
}

/// <summary>AAL_PARAMETERS_IE, AAL5 part.</summary>
public sealed record AalParameters(AtmAalType AalType, uint ForwardMaxCpcsSduSize, uint BackwardMaxCpcsSduSize, byte Mode, byte SscsType);

/// <summary>ATM_TRAFFIC_DESCRIPTOR (cells per second, bursts in cells).</summary>
public sealed record AtmTrafficDescriptor(
    uint PeakCellRateClp0,
    uint PeakCellRateClp01,
    uint SustainableCellRateClp0,
    uint SustainableCellRateClp01,
    uint MaximumBurstSizeClp0,
    uint MaximumBurstSizeClp01,
    bool Tagging);

/// <summary>ATM_TRAFFIC_DESCRIPTOR_IE.</summary>
public sealed record AtmTrafficDescriptorIe(AtmTrafficDescriptor Forward, AtmTrafficDescriptor Backward, bool BestEffort);

/// <summary>ATM_BROADBAND_BEARER_CAPABILITY_IE. UserPlaneConnectionConfig 1 (UP_P2MP) marks point-to-multipoint.</summary>
public sealed record BroadbandBearerCapability(
    byte BearerClass,
    byte TrafficType,
    byte TimingRequirements,
    byte ClippingSusceptibility,
    byte UserPlaneConnectionConfig);

/// <summary>The TAPI make-call block (CO_AF_TAPI_MAKE_CALL_PARAMETERS) an ISDN client passes.</summary>
public sealed record TapiCallManagerParameters(uint LineId, uint AddressId, uint Flags, string? DestAddress);

/// <summary>CO_MEDIA_PARAMETERS with its medium-specific part.</summary>
public sealed record MediaParameters(
    MediaParameterFlags Flags,
    uint ReceivePriority,
    uint ReceiveSizeHint,
    AtmMediaParameters? Atm = null,
    IsdnMediaParameters? Isdn = null);

/// <summary>The B-channels an ISDN call holds, as a bit mask (bit 0 = B1), as the MCM allocated them.</summary>
public sealed record IsdnMediaParameters(uint BChannels);

/// <summary>ATM_MEDIA_PARAMETERS: the connection id (VCI 0 asks the MCM to choose) and the flow parameters.</summary>
public sealed record AtmMediaParameters(
    ushort Vpi,
    ushort Vci,
    AtmAalType AalType,
    AtmFlowParameters Transmit,
    AtmFlowParameters Receive);

public enum AtmServiceCategory : uint
{
    Cbr = 1,
    Vbr = 2,
    Ubr = 4,
    Abr = 8,
}

/// <summary>ATM_FLOW_PARAMETERS, the fields NdisMock uses (rates in cells per second).</summary>
public sealed record AtmFlowParameters(
    AtmServiceCategory ServiceCategory,
    uint AverageCellRate,
    uint PeakCellRate,
    uint MinimumCellRate,
    uint MaxSduSize);
