using NdisMock.Client;

namespace NdisMock.Testing;

/// <summary>
/// What a CoNDIS client protocol driver calls, one method per NDIS function (the NdisCl/NdisCo prefix dropped). Each
/// answers how the call went (<see cref="NdisAnswer"/>: completed, created, or pended) or throws
/// <see cref="NdisRefusalException"/> when the WDK forbids it.
/// </summary>
public sealed class ClientRole
{
    private readonly NdisSandbox _s;

    internal ClientRole(NdisSandbox sandbox) => _s = sandbox;

    /// <summary>NdisClOpenAddressFamilyEx; the answer's NdisAfHandle names the open.</summary>
    public Task<NdisAnswer> OpenAddressFamilyAsync(AddressFamilyType family = AddressFamilyType.CO_ADDRESS_FAMILY_Q2931, string? clientAfContext = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisClOpenAddressFamilyExAsync(_s.Id, new OpenAddressFamilyRequest { AddressFamily = family, ClientAfContext = clientAfContext }, cancellationToken));

    /// <summary>NdisClRegisterSap: be offered incoming calls to <paramref name="value"/> (an NSAP or E.164 address, a TAPI line).</summary>
    public Task<NdisAnswer> RegisterSapAsync(string ndisAfHandle, SapType sapType, string value, string? protocolSapContext = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisClRegisterSapAsync(_s.Id, ndisAfHandle, new RegisterSapRequest { ProtocolSapContext = protocolSapContext, Sap = new SapRequest { SapType = sapType, Value = value } }, cancellationToken));

    /// <summary>NdisCoCreateVc; the answer's NdisVcHandle names the VC. Its context comes back in every callback about it.</summary>
    public Task<NdisAnswer> CreateVcAsync(string ndisAfHandle, string? protocolVcContext = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisCoCreateVcAsync(_s.Id, ndisAfHandle, new CreateVcRequest { ProtocolVcContext = protocolVcContext }, cancellationToken));

    /// <summary>NdisClMakeCall (with <paramref name="protocolPartyContext"/>: point-to-multipoint). Left out, the profile's default parameters.</summary>
    public Task<NdisAnswer> MakeCallAsync(string ndisVcHandle, CallParametersRequest? callParameters = null, string? protocolPartyContext = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisClMakeCallAsync(_s.Id, ndisVcHandle, new MakeCallRequest { CallParameters = callParameters, ProtocolPartyContext = protocolPartyContext }, cancellationToken));

    public Task<NdisAnswer> ModifyCallQoSAsync(string ndisVcHandle, CallParametersRequest callParameters, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisClModifyCallQoSAsync(_s.Id, ndisVcHandle, new CallParametersBody { CallParameters = callParameters }, cancellationToken));

    public Task<NdisAnswer> AddPartyAsync(string ndisVcHandle, string? protocolPartyContext = null, CallParametersRequest? callParameters = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisClAddPartyAsync(_s.Id, ndisVcHandle, new AddPartyRequest { ProtocolPartyContext = protocolPartyContext, CallParameters = callParameters }, cancellationToken));

    public Task<NdisAnswer> DropPartyAsync(string ndisPartyHandle, string? closeData = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisClDropPartyAsync(_s.Id, ndisPartyHandle, new DropPartyRequest { CloseData = closeData }, cancellationToken));

    /// <summary>NdisClIncomingCallComplete: NDIS_STATUS_SUCCESS accepts the offered call, any other status rejects it.</summary>
    public Task<NdisAnswer> IncomingCallCompleteAsync(string ndisVcHandle, NdisStatusName status = NdisStatusName.NDIS_STATUS_SUCCESS, CallParametersRequest? callParameters = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisClIncomingCallCompleteAsync(_s.Id, ndisVcHandle, new IncomingCallCompleteRequest { Status = status.ToString(), CallParameters = callParameters }, cancellationToken));

    /// <summary>NdisClCloseCall (the party: NULL for point-to-point, the last one of a multipoint call).</summary>
    public Task<NdisAnswer> CloseCallAsync(string ndisVcHandle, string? ndisPartyHandle = null, string? closeData = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisClCloseCallAsync(_s.Id, ndisVcHandle, new CloseCallRequest { NdisPartyHandle = ndisPartyHandle, CloseData = closeData }, cancellationToken));

    public Task<NdisAnswer> DeleteVcAsync(string ndisVcHandle, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisCoDeleteVcAsync(_s.Id, ndisVcHandle, cancellationToken));

    public Task<NdisAnswer> DeregisterSapAsync(string ndisSapHandle, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisClDeregisterSapAsync(_s.Id, ndisSapHandle, cancellationToken));

    public Task<NdisAnswer> NotifyCloseAddressFamilyCompleteAsync(string ndisAfHandle, NdisStatusName status = NdisStatusName.NDIS_STATUS_SUCCESS, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisClNotifyCloseAddressFamilyCompleteAsync(_s.Id, ndisAfHandle, new StatusRequest { Status = status.ToString() }, cancellationToken));

    public Task<NdisAnswer> CloseAddressFamilyAsync(string ndisAfHandle, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisClCloseAddressFamilyAsync(_s.Id, ndisAfHandle, cancellationToken));
}

/// <summary>
/// What the miniport call manager calls, one method per NdisMCm function: completions of what its handlers pended, with
/// the handles an MCM would pass (the verifier checks them), and the network's side (incoming calls, remote close).
/// </summary>
public sealed class McmRole
{
    private readonly NdisSandbox _s;

    internal McmRole(NdisSandbox sandbox) => _s = sandbox;

    /// <summary>NdisMCmCreateVc: a VC for an incoming call, owned by the MCM.</summary>
    public Task<NdisAnswer> CreateVcAsync(string ndisAfHandle, string? protocolVcContext = null, string? miniportVcContext = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisMCmCreateVcAsync(_s.Id, ndisAfHandle, new McmCreateVcRequest { ProtocolVcContext = protocolVcContext, MiniportVcContext = miniportVcContext }, cancellationToken));

    public Task<NdisAnswer> DeleteVcAsync(string ndisVcHandle, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisMCmDeleteVcAsync(_s.Id, ndisVcHandle, cancellationToken));

    public Task<NdisAnswer> ActivateVcAsync(string ndisVcHandle, CallParametersRequest? callParameters = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisMCmActivateVcAsync(_s.Id, ndisVcHandle, new OptionalCallParametersBody { CallParameters = callParameters }, cancellationToken));

    public Task<NdisAnswer> DeactivateVcAsync(string ndisVcHandle, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisMCmDeactivateVcAsync(_s.Id, ndisVcHandle, cancellationToken));

    /// <summary>NdisMCmDispatchIncomingCall: offer a call on a SAP, on a VC the MCM created; the client's answer pends.</summary>
    public Task<NdisAnswer> DispatchIncomingCallAsync(string ndisSapHandle, string ndisVcHandle, CallParametersRequest? callParameters = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisMCmDispatchIncomingCallAsync(_s.Id, ndisSapHandle, ndisVcHandle, new OptionalCallParametersBody { CallParameters = callParameters }, cancellationToken));

    public Task<NdisAnswer> DispatchCallConnectedAsync(string ndisVcHandle, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisMCmDispatchCallConnectedAsync(_s.Id, ndisVcHandle, cancellationToken));

    /// <summary>NdisMCmDispatchIncomingCloseCall: the remote side cleared (a Q.2931 cause, e.g. 16 normal clearing).</summary>
    public Task<NdisAnswer> DispatchIncomingCloseCallAsync(string ndisVcHandle, NdisStatusName status = NdisStatusName.NDIS_STATUS_SUCCESS, int? cause = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisMCmDispatchIncomingCloseCallAsync(_s.Id, ndisVcHandle, new IncomingCloseRequest { Status = status.ToString(), Cause = cause }, cancellationToken));

    public Task<NdisAnswer> DispatchIncomingDropPartyAsync(string ndisPartyHandle, NdisStatusName status = NdisStatusName.NDIS_STATUS_SUCCESS, int? cause = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisMCmDispatchIncomingDropPartyAsync(_s.Id, ndisPartyHandle, new IncomingCloseRequest { Status = status.ToString(), Cause = cause }, cancellationToken));

    public Task<NdisAnswer> DispatchIncomingCallQoSChangeAsync(string ndisVcHandle, CallParametersRequest callParameters, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisMCmDispatchIncomingCallQoSChangeAsync(_s.Id, ndisVcHandle, new CallParametersBody { CallParameters = callParameters }, cancellationToken));

    public Task<NdisAnswer> NotifyCloseAddressFamilyAsync(string ndisAfHandle, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisMCmNotifyCloseAddressFamilyAsync(_s.Id, ndisAfHandle, cancellationToken));

    public Task<NdisAnswer> CompleteOpenAddressFamilyAsync(string ndisAfHandle, NdisStatusName status = NdisStatusName.NDIS_STATUS_SUCCESS, string? callMgrAfContext = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisMCmOpenAddressFamilyCompleteAsync(_s.Id, ndisAfHandle, new OpenAfCompleteRequest { Status = status.ToString(), CallMgrAfContext = callMgrAfContext }, cancellationToken));

    public Task<NdisAnswer> CompleteCloseAddressFamilyAsync(string ndisAfHandle, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisMCmCloseAddressFamilyCompleteAsync(_s.Id, ndisAfHandle, new StatusRequest { Status = nameof(NdisStatusName.NDIS_STATUS_SUCCESS) }, cancellationToken));

    public Task<NdisAnswer> CompleteRegisterSapAsync(string ndisSapHandle, NdisStatusName status = NdisStatusName.NDIS_STATUS_SUCCESS, string? callMgrSapContext = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisMCmRegisterSapCompleteAsync(_s.Id, ndisSapHandle, new RegisterSapCompleteRequest { Status = status.ToString(), CallMgrSapContext = callMgrSapContext }, cancellationToken));

    public Task<NdisAnswer> CompleteDeregisterSapAsync(string ndisSapHandle, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisMCmDeregisterSapCompleteAsync(_s.Id, ndisSapHandle, new StatusRequest { Status = nameof(NdisStatusName.NDIS_STATUS_SUCCESS) }, cancellationToken));

    /// <summary>NdisMCmMakeCallComplete, with the initial party of a multipoint call (and its MCM context) where there is one.</summary>
    public Task<NdisAnswer> CompleteMakeCallAsync(string ndisVcHandle, NdisStatusName status = NdisStatusName.NDIS_STATUS_SUCCESS, string? ndisPartyHandle = null, string? callMgrPartyContext = null, CallParametersRequest? callParameters = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisMCmMakeCallCompleteAsync(_s.Id, ndisVcHandle, new MakeCallCompleteRequest { Status = status.ToString(), NdisPartyHandle = ndisPartyHandle, CallMgrPartyContext = callMgrPartyContext, CallParameters = callParameters }, cancellationToken));

    /// <summary>NdisMCmCloseCallComplete: brings the client's ProtocolClCloseCallComplete.</summary>
    public Task<NdisAnswer> CompleteCloseCallAsync(string ndisVcHandle, NdisStatusName status = NdisStatusName.NDIS_STATUS_SUCCESS, string? ndisPartyHandle = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisMCmCloseCallCompleteAsync(_s.Id, ndisVcHandle, new CloseCallCompleteRequest { Status = status.ToString(), NdisPartyHandle = ndisPartyHandle }, cancellationToken));

    public Task<NdisAnswer> CompleteAddPartyAsync(string ndisPartyHandle, NdisStatusName status = NdisStatusName.NDIS_STATUS_SUCCESS, string? callMgrPartyContext = "mcm-party", CallParametersRequest? callParameters = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisMCmAddPartyCompleteAsync(_s.Id, ndisPartyHandle, new AddPartyCompleteRequest { Status = status.ToString(), CallMgrPartyContext = callMgrPartyContext, CallParameters = callParameters }, cancellationToken));

    public Task<NdisAnswer> CompleteDropPartyAsync(string ndisPartyHandle, NdisStatusName status = NdisStatusName.NDIS_STATUS_SUCCESS, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisMCmDropPartyCompleteAsync(_s.Id, ndisPartyHandle, new StatusRequest { Status = status.ToString() }, cancellationToken));

    public Task<NdisAnswer> CompleteModifyCallQoSAsync(string ndisVcHandle, NdisStatusName status = NdisStatusName.NDIS_STATUS_SUCCESS, CallParametersRequest? callParameters = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _s.Api.NdisMCmModifyCallQoSCompleteAsync(_s.Id, ndisVcHandle, new StatusWithParametersRequest { Status = status.ToString(), CallParameters = callParameters }, cancellationToken));
}
