using System.ComponentModel.DataAnnotations;
using NdisMock.Domain;

namespace NdisMock.Api.Contracts;

// Request bodies, one per operation that takes one. Contexts are the caller's own strings, echoed in callbacks.

/// <summary>What a new sandbox simulates. Every field is optional.</summary>
/// <param name="Profile">The adapter: AtmOc3 (default), Atm25, IsdnBri, IsdnPriT1 or IsdnPriE1.</param>
/// <param name="Duties">Auto (default): the MCM activates, deactivates and deletes by itself. Manual: you do, and the verifier checks the order.</param>
/// <param name="Strictness">Strict (default) or Lenient, for the ordering questions the WDK's pages answer two ways: deactivate before or after completing a close, activate before dispatching an offer or after its acceptance (docs/rules.md#v-call-03, #v-call-06).</param>
/// <param name="Clock">Host (default): the sandbox's time is the server's. Virtual: it stands still until AdvanceClock moves it.</param>
/// <param name="AlwaysPend">
/// False (default): a client request the MCM answers at once returns that answer, wherever its WDK page allows a synchronous
/// status (NdisClDeregisterSap never does: it always returns NDIS_STATUS_PENDING and its completion follows). True: every
/// asynchronous client request returns NDIS_STATUS_PENDING and its completion callback always arrives, so each completion
/// handler of the client is exercised.
/// </param>
public sealed record CreateSandboxRequest(
    [property: MaxLength(32)] string? Profile,
    McmDuties? Duties,
    Strictness? Strictness,
    SandboxClock? Clock,
    bool? AlwaysPend = null);

public enum SandboxClock
{
    Host,
    Virtual,
}

/// <summary>AdvanceClock: how far to move a virtual clock.</summary>
/// <param name="By">A TimeSpan such as 00:00:01.500; every self-completion due by then fires, in order.</param>
public sealed record AdvanceClockRequest([property: Required] TimeSpan? By);

/// <summary>SetRoute: what the remote side does with calls to the address in the path.</summary>
/// <param name="Outcome">Reachable, Busy (cause 17), OutOfOrder (27), NoRoute (3) or Unallocated (1).</param>
/// <param name="AnswerDelay">How long until the answer or rejection; left out: at once (a rejection then answers NdisClMakeCall synchronously).</param>
public sealed record SetRouteRequest([property: Required] RouteOutcome? Outcome, TimeSpan? AnswerDelay);

/// <summary>NdisClOpenAddressFamilyEx: the address family to open and the client's context for it.</summary>
/// <param name="AddressFamily">CO_ADDRESS_FAMILY_Q2931 (ATM) or CO_ADDRESS_FAMILY_TAPI (ISDN); the short names Q2931 and Tapi and the ndis.h values 1 and 2048 are accepted too.</param>
/// <param name="ClientAfContext">Echoed in ProtocolClOpenAfCompleteEx, ProtocolClNotifyCloseAf, ProtocolClCloseAfComplete and ProtocolCoCreateVc.</param>
/// <param name="MajorVersion">CO_ADDRESS_FAMILY.MajorVersion; the registered one when left out.</param>
/// <param name="MinorVersion">CO_ADDRESS_FAMILY.MinorVersion; the registered one when left out.</param>
public sealed record OpenAddressFamilyRequest(
    [property: Required] AddressFamilyType? AddressFamily,
    [property: MaxLength(256)] string? ClientAfContext,
    uint? MajorVersion,
    uint? MinorVersion);

/// <summary>CO_SAP: the SAP type and its body as text (an ATM address, a TAPI line).</summary>
/// <param name="SapType">Nsap or E164 on the Q2931 family, Tapi on the TAPI family.</param>
/// <param name="Value">The SAP body, e.g. an NSAP address.</param>
public sealed record SapRequest(
    [property: Required] SapType? SapType,
    [property: Required, MaxLength(256)] string Value)
{
    public Sap ToDomain() => new(SapType!.Value, Value);
}

/// <summary>NdisClRegisterSap.</summary>
/// <param name="ProtocolSapContext">Echoed in ProtocolClRegisterSapComplete, ProtocolClIncomingCall and ProtocolClDeregisterSapComplete.</param>
/// <param name="Sap">The calls this client wants offered.</param>
public sealed record RegisterSapRequest(
    [property: MaxLength(256)] string? ProtocolSapContext,
    [property: Required] SapRequest Sap);

/// <summary>NdisCoCreateVc.</summary>
/// <param name="ProtocolVcContext">Echoed in every callback about this VC.</param>
public sealed record CreateVcRequest([property: MaxLength(256)] string? ProtocolVcContext);

/// <summary>NdisClMakeCall.</summary>
/// <param name="CallParameters">Left out: the adapter profile's defaults.</param>
/// <param name="ProtocolPartyContext">Give one to make the call point-to-multipoint; NDIS then issues the initial party handle.</param>
public sealed record MakeCallRequest(
    CallParametersRequest? CallParameters,
    [property: MaxLength(256)] string? ProtocolPartyContext);

/// <summary>NdisClCloseCall.</summary>
/// <param name="NdisPartyHandle">NULL for a point-to-point call; the last remaining party of a multipoint call.</param>
/// <param name="CloseData">Data to send with the release, if the medium carries any.</param>
public sealed record CloseCallRequest(
    [property: MaxLength(128)] string? NdisPartyHandle,
    [property: MaxLength(4096)] string? CloseData);

/// <summary>NdisClModifyCallQoS and NdisMCmDispatchIncomingCallQoSChange: the new parameters.</summary>
public sealed record CallParametersBody([property: Required] CallParametersRequest CallParameters);

/// <summary>NdisClIncomingCallComplete: SUCCESS accepts the offer, any other status rejects it.</summary>
/// <param name="Status">An NDIS status name or hex code; not NDIS_STATUS_PENDING.</param>
/// <param name="CallParameters">The parameters as the client accepts them (flag CallParametersChanged if changed).</param>
public sealed record IncomingCallCompleteRequest(
    [property: Required, NdisStatus] string Status,
    CallParametersRequest? CallParameters);

/// <summary>NdisClAddParty.</summary>
/// <param name="ProtocolPartyContext">Echoed in ProtocolClAddPartyComplete, ProtocolClIncomingDropParty and ProtocolClDropPartyComplete.</param>
/// <param name="CallParameters">The new party's address and parameters; left out, the call's.</param>
public sealed record AddPartyRequest(
    [property: MaxLength(256)] string? ProtocolPartyContext,
    CallParametersRequest? CallParameters);

/// <summary>NdisClDropParty.</summary>
/// <param name="CloseData">Data to send with the drop, if the medium carries any.</param>
public sealed record DropPartyRequest([property: MaxLength(4096)] string? CloseData);

/// <summary>A completion's status.</summary>
/// <param name="Status">An NDIS status name or hex code; NDIS_STATUS_PENDING is a violation (V-CMP-01).</param>
public sealed record StatusRequest([property: Required, NdisStatus] string Status);

/// <summary>NdisMCmCreateVc.</summary>
/// <param name="MiniportVcContext">The MCM's own context for the VC.</param>
/// <param name="ProtocolVcContext">The context the client's ProtocolCoCreateVc returns for it.</param>
public sealed record McmCreateVcRequest(
    [property: MaxLength(256)] string? MiniportVcContext,
    [property: MaxLength(256)] string? ProtocolVcContext);

/// <summary>NdisMCmActivateVc and NdisMCmDispatchIncomingCall: optional parameters.</summary>
/// <param name="CallParameters">Left out: the VC's current parameters, or the profile's defaults.</param>
public sealed record OptionalCallParametersBody(CallParametersRequest? CallParameters);

/// <summary>NdisMCmDispatchIncomingCloseCall and NdisMCmDispatchIncomingDropParty.</summary>
/// <param name="Status">CloseStatus/DropStatus: NDIS_STATUS_SUCCESS for a normal remote release, another status for a network failure. Left out: the cause's status.</param>
/// <param name="Cause">The Q.2931 cause of the remote clear (e.g. 16 normal clearing, 27 destination out of order); it travels with the events.</param>
/// <param name="CloseData">Data received with the release.</param>
public sealed record IncomingCloseRequest(
    [property: NdisStatus] string? Status,
    [property: Range(0, 127)] byte? Cause,
    [property: MaxLength(4096)] string? CloseData)
{
    /// <summary>The close status: as given, or the one the cause maps to.</summary>
    public NdisStatus? CloseStatus => Status is not null ? Status.ToStatus() : Cause is { } cause ? Q2931Causes.ToStatus(cause) : null;
}

/// <summary>NdisMCmOpenAddressFamilyComplete.</summary>
public sealed record OpenAfCompleteRequest(
    [property: Required, NdisStatus] string Status,
    [property: MaxLength(256)] string? CallMgrAfContext);

/// <summary>NdisMCmRegisterSapComplete.</summary>
public sealed record RegisterSapCompleteRequest(
    [property: Required, NdisStatus] string Status,
    [property: MaxLength(256)] string? CallMgrSapContext);

/// <summary>NdisMCmMakeCallComplete, with the handles ProtocolCmMakeCall received.</summary>
/// <param name="NdisPartyHandle">NULL for point-to-point; the initial party for multipoint.</param>
/// <param name="CallMgrPartyContext">The MCM's context for the initial party (multipoint only; required on success).</param>
public sealed record MakeCallCompleteRequest(
    [property: Required, NdisStatus] string Status,
    [property: MaxLength(128)] string? NdisPartyHandle,
    [property: MaxLength(256)] string? CallMgrPartyContext,
    CallParametersRequest? CallParameters);

/// <summary>NdisMCmCloseCallComplete, with the party handle of the pended close.</summary>
/// <param name="NdisPartyHandle">NULL for point-to-point; the last remaining party for multipoint.</param>
public sealed record CloseCallCompleteRequest(
    [property: Required, NdisStatus] string Status,
    [property: MaxLength(128)] string? NdisPartyHandle);

/// <summary>NdisMCmAddPartyComplete.</summary>
/// <param name="CallMgrPartyContext">Required on success (NdisMCmAddPartyComplete macro).</param>
public sealed record AddPartyCompleteRequest(
    [property: Required, NdisStatus] string Status,
    [property: MaxLength(256)] string? CallMgrPartyContext,
    CallParametersRequest? CallParameters);

/// <summary>NdisMCmModifyCallQoSComplete and CompletePendingOperation.</summary>
/// <param name="CallParameters">The parameters the MCM settled on; left out, the requested ones.</param>
public sealed record StatusWithParametersRequest(
    [property: Required, NdisStatus] string Status,
    CallParametersRequest? CallParameters);

/// <summary>SetBehavior: how one MCM handler answers from now on.</summary>
/// <param name="Mode">Complete: answer at once with Status. Pend: answer NDIS_STATUS_PENDING.</param>
/// <param name="Status">With Complete, the answer; with Pend and CompleteAfter, the self-completion's status. Default NDIS_STATUS_SUCCESS.</param>
/// <param name="CompleteAfter">With Pend only: the MCM completes the request itself after this delay (a TimeSpan such as 00:00:00.050).</param>
/// <param name="FailNext">The next this-many requests fail with failStatus (counts down; GetBehaviors shows what is left).</param>
/// <param name="FailStatus">The status of injected failures (default NDIS_STATUS_FAILURE).</param>
/// <param name="FaultRate">The share of requests, 0 to 1, that fail with failStatus, drawn from faultSeed so a run repeats.</param>
/// <param name="FaultSeed">Seeds the fault draws.</param>
public sealed record SetBehaviorRequest(
    [property: Required] BehaviorMode? Mode,
    [property: NdisStatus] string? Status,
    TimeSpan? CompleteAfter,
    [property: Range(0, 1_000_000)] int? FailNext,
    [property: NdisStatus] string? FailStatus,
    [property: Range(0.0, 1.0)] double? FaultRate,
    int? FaultSeed);
