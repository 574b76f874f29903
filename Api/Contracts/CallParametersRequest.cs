using System.ComponentModel.DataAnnotations;
using NdisMock.Domain;

namespace NdisMock.Api.Contracts;

/// <summary>CO_CALL_PARAMETERS. Leave the whole object out where the MCM may choose, and the adapter profile's defaults apply.</summary>
/// <param name="Flags">CO_CALL_PARAMETERS.Flags: a number or a list of names (PermanentVc, CallParametersChanged, QueryCallParameters, BroadcastVc, MultipointVc).</param>
/// <param name="CallMgrParameters">What the call manager needs: FLOWSPECs and the address-family part.</param>
/// <param name="MediaParameters">What the miniport needs to activate the VC.</param>
public sealed record CallParametersRequest(
    CallParameterFlags Flags,
    CallManagerParametersRequest? CallMgrParameters,
    MediaParametersRequest? MediaParameters)
{
    public CallParameters ToDomain() => new(Flags, CallMgrParameters?.ToDomain(), MediaParameters?.ToDomain());
}

/// <summary>FLOWSPEC (qos.h); 4294967295 is QOS_NOT_SPECIFIED. Rates in bytes per second.</summary>
public sealed record FlowSpecRequest(
    uint TokenRate,
    uint TokenBucketSize,
    uint PeakBandwidth,
    uint Latency,
    uint DelayVariation,
    [property: Range(0, 13)] uint ServiceType,
    uint MaxSduSize,
    uint MinimumPolicedSize)
{
    public FlowSpec ToDomain() => new(TokenRate, TokenBucketSize, PeakBandwidth, Latency, DelayVariation, ServiceType, MaxSduSize, MinimumPolicedSize);
}

/// <summary>CO_CALL_MANAGER_PARAMETERS with the Q.2931 (ATM) or TAPI (ISDN) part.</summary>
public sealed record CallManagerParametersRequest(
    [property: Required] FlowSpecRequest Transmit,
    [property: Required] FlowSpecRequest Receive,
    Q2931ParametersRequest? Q2931,
    TapiParametersRequest? Tapi)
{
    public CallManagerParameters ToDomain() => new(Transmit.ToDomain(), Receive.ToDomain(), Q2931?.ToDomain(), Tapi?.ToDomain());
}

/// <summary>ATM_ADDRESS: NSAP (AESA, 40 hex digits with optional dots) or E.164 digits.</summary>
public sealed record AtmAddressRequest(
    AtmAddressType AddressType,
    [property: Required, MaxLength(64)] string Address)
{
    public AtmAddress ToDomain() => new(AddressType, Address);
}

/// <summary>Q2931_CALLMGR_PARAMETERS: called and calling party, AAL, traffic descriptor, bearer capability.</summary>
public sealed record Q2931ParametersRequest(
    AtmAddressRequest? CalledParty,
    AtmAddressRequest? CallingParty,
    AalParametersRequest? Aal,
    AtmTrafficDescriptorIeRequest? TrafficDescriptor,
    BroadbandBearerRequest? BroadbandBearer)
{
    public Q2931CallManagerParameters ToDomain() =>
        new(CalledParty?.ToDomain(), CallingParty?.ToDomain(), Aal?.ToDomain(), TrafficDescriptor?.ToDomain(), BroadbandBearer?.ToDomain());
}

/// <summary>AAL_PARAMETERS_IE (AAL5 part). Mode 1 message, 2 streaming; SSCS 0 null.</summary>
public sealed record AalParametersRequest(
    AtmAalType AalType,
    [property: Range(0, 65535)] uint ForwardMaxCpcsSduSize,
    [property: Range(0, 65535)] uint BackwardMaxCpcsSduSize,
    [property: Range(0, 2)] byte Mode,
    [property: Range(0, 4)] byte SscsType)
{
    public AalParameters ToDomain() => new(AalType, ForwardMaxCpcsSduSize, BackwardMaxCpcsSduSize, Mode, SscsType);
}

/// <summary>ATM_TRAFFIC_DESCRIPTOR: cell rates in cells per second, bursts in cells.</summary>
public sealed record AtmTrafficDescriptorRequest(
    uint PeakCellRateClp0,
    uint PeakCellRateClp01,
    uint SustainableCellRateClp0,
    uint SustainableCellRateClp01,
    uint MaximumBurstSizeClp0,
    uint MaximumBurstSizeClp01,
    bool Tagging)
{
    public AtmTrafficDescriptor ToDomain() => new(PeakCellRateClp0, PeakCellRateClp01, SustainableCellRateClp0, SustainableCellRateClp01, MaximumBurstSizeClp0, MaximumBurstSizeClp01, Tagging);
}

/// <summary>ATM_TRAFFIC_DESCRIPTOR_IE: forward and backward descriptors.</summary>
public sealed record AtmTrafficDescriptorIeRequest(
    [property: Required] AtmTrafficDescriptorRequest Forward,
    [property: Required] AtmTrafficDescriptorRequest Backward,
    bool BestEffort)
{
    public AtmTrafficDescriptorIe ToDomain() => new(Forward.ToDomain(), Backward.ToDomain(), BestEffort);
}

/// <summary>ATM_BROADBAND_BEARER_CAPABILITY_IE. BearerClass 0 BCOB-A, 1 BCOB-C, 2 BCOB-X; UserPlaneConnectionConfig 1 = point-to-multipoint.</summary>
public sealed record BroadbandBearerRequest(
    [property: Range(0, 2)] byte BearerClass,
    [property: Range(0, 8)] byte TrafficType,
    [property: Range(0, 2)] byte TimingRequirements,
    [property: Range(0, 0x20)] byte ClippingSusceptibility,
    [property: Range(0, 1)] byte UserPlaneConnectionConfig)
{
    public BroadbandBearerCapability ToDomain() => new(BearerClass, TrafficType, TimingRequirements, ClippingSusceptibility, UserPlaneConnectionConfig);
}

/// <summary>CO_AF_TAPI_MAKE_CALL_PARAMETERS: line, address, flags (1 outgoing, 2 incoming, 4 default parameters) and the dialled number.</summary>
public sealed record TapiParametersRequest(
    uint LineId,
    uint AddressId,
    [property: Range(0, 7)] uint Flags,
    [property: MaxLength(64)] string? DestAddress)
{
    public TapiCallManagerParameters ToDomain() => new(LineId, AddressId, Flags, DestAddress);
}

/// <summary>CO_MEDIA_PARAMETERS with the ATM part.</summary>
/// <param name="Flags">A number or a list of names (TransmitVc, ReceiveVc, RoundUpFlow, …).</param>
public sealed record MediaParametersRequest(
    MediaParameterFlags Flags,
    uint ReceivePriority,
    uint ReceiveSizeHint,
    AtmMediaParametersRequest? Atm)
{
    public MediaParameters ToDomain() => new(Flags, ReceivePriority, ReceiveSizeHint, Atm?.ToDomain());
}

/// <summary>ATM_MEDIA_PARAMETERS: the VPI/VCI and the flow parameters in each direction.</summary>
public sealed record AtmMediaParametersRequest(
    [property: Range(0, 4095)] ushort Vpi,
    [property: Range(0, 65535)] ushort Vci,
    AtmAalType AalType,
    [property: Required] AtmFlowParametersRequest Transmit,
    [property: Required] AtmFlowParametersRequest Receive)
{
    public AtmMediaParameters ToDomain() => new(Vpi, Vci, AalType, Transmit.ToDomain(), Receive.ToDomain());
}

/// <summary>ATM_FLOW_PARAMETERS: service category and cell rates (cells per second).</summary>
public sealed record AtmFlowParametersRequest(
    AtmServiceCategory ServiceCategory,
    uint AverageCellRate,
    uint PeakCellRate,
    uint MinimumCellRate,
    [property: Range(0, 65535)] uint MaxSduSize)
{
    public AtmFlowParameters ToDomain() => new(ServiceCategory, AverageCellRate, PeakCellRate, MinimumCellRate, MaxSduSize);
}
