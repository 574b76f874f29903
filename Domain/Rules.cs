namespace NdisMock.Domain;

/// <summary>How bad a finding is (docs/rules.md).</summary>
public enum Severity
{
    /// <summary>The WDK forbids the call outright: NdisMock refuses it and nothing changes.</summary>
    Error,

    /// <summary>Real NDIS answers the call with a documented failure status; NdisMock does the same.</summary>
    Reject,

    /// <summary>A "should" of the documentation was not followed; the call goes through.</summary>
    Warning,
}

/// <summary>Why an <see cref="Severity.Error"/> call was refused, which decides how the refusal is reported.</summary>
public enum Refusal
{
    /// <summary>Not refused (a Reject or a Warning).</summary>
    None,

    /// <summary>The call is illegal in the current state: completion without a request, wrong order.</summary>
    State,

    /// <summary>An argument is wrong: a PENDING completion status, a handle other than the pended one.</summary>
    Argument,

    /// <summary>A handle this sandbox never issued for that kind of object.</summary>
    UnknownHandle,

    /// <summary>A handle of an object that is gone.</summary>
    StaleHandle,

    /// <summary>An operator's limit on the sandbox is reached; nothing in it changed.</summary>
    Quota,
}

/// <summary>One verifier rule: its id, how it is enforced, and the WDK page it rests on.</summary>
/// <param name="Id">The simulator's rule id, e.g. <c>V-CMP-01</c>.</param>
/// <param name="Severity">Error, Reject or Warning.</param>
/// <param name="Summary">What the rule detects.</param>
/// <param name="Reference">The title of the WDK page the rule comes from.</param>
/// <param name="Refusal">For an Error: what kind of refusal.</param>
/// <param name="Result">For a Reject: the NDIS status the call is answered with.</param>
/// <param name="NotDetectedBecause">Set when this model cannot break the rule, with the reason.</param>
/// <param name="Handling">What NdisMock does when the rule is broken, and why: the decision the documentation renders.</param>
public sealed record Rule(
    string Id,
    Severity Severity,
    string Summary,
    string Reference,
    Refusal Refusal = Refusal.None,
    NdisStatus? Result = null,
    string? NotDetectedBecause = null,
    string Handling = "")
{
    /// <summary>The address of the WDK page named by <see cref="Reference"/>.</summary>
    public string? ReferenceUrl => WdkPages.UrlOf(Reference);
}

/// <summary>Where the WDK's reference pages for ndis.h live on learn.microsoft.com.</summary>
public static class WdkPages
{
    private const string Root = "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/ndis/";

    /// <summary>The page of an ndis.h function or macro (<c>NdisMCmCloseCallComplete</c>).</summary>
    public static string FunctionUrl(string function) => Root + "nf-ndis-" + function.ToLowerInvariant();

    /// <summary>
    /// The page with a given title: "NdisClMakeCall function" and "NdisMCmCloseCallComplete macro" are function pages,
    /// "PROTOCOL_CM_MAKE_CALL" a callback type's; anything else has no address here.
    /// </summary>
    public static string? UrlOf(string title) => title.Split(' ') switch
    {
        [var name, "function" or "macro"] => FunctionUrl(name),
        [var name] when name.StartsWith("PROTOCOL_", StringComparison.Ordinal) => Root + "nc-ndis-" + name.ToLowerInvariant(),
        _ => null,
    };
}

/// <summary>
/// The one catalogue of rules: every V-* id of the verifier's catalogue (docs/rules.md), plus the few NdisMock adds for situations the
/// catalogue has no id for (marked "NdisMock" in their summary).
/// </summary>
public static class Rules
{
    public static readonly Rule CompletionWithPending = new("V-CMP-01", Severity.Error,
        "A completion call passed NDIS_STATUS_PENDING as its status.",
        "NdisMCmCloseCallComplete macro", Refusal.Argument,
        Handling: "Refuses the completion (400) and changes nothing: every completion page takes a final status, never NDIS_STATUS_PENDING.");

    public static readonly Rule CompletionWithoutRequest = new("V-CMP-02", Severity.Error,
        "A completion call has no pended request of that kind for that handle: never pended, or already completed.",
        "NdisMCmMakeCallComplete macro", Refusal.State,
        Handling: "Refuses the completion (409): a pended request is completed exactly once, and only one that was pended can be.");

    public static readonly Rule PendedRequestAbandoned = new("V-CMP-03", Severity.Error,
        "An object was torn down while a request on it was still pended and never completed.",
        "NdisMCmMakeCallComplete macro", Refusal.State,
        Handling: "Decided (issue 13): the rule holds the MCM, never the client. NdisMCmCloseCallComplete(SUCCESS) is refused while the MCM still owes a completion on the call or its parties (a make call, add or drop party, QoS change). The client's NdisClCloseCall is always forwarded: if the MCM's handler is scripted to answer at once but still owes completions, it pends the close instead (PROTOCOL_CM_CLOSE_CALL lets a call manager pend a close it cannot finish), so the client is never refused for what the MCM owes.");

    public static readonly Rule CloseCompletionNotSuccess = new("V-CMP-04", Severity.Error,
        "NdisMCmCloseAddressFamilyComplete or NdisMCmDeregisterSapComplete with a status other than NDIS_STATUS_SUCCESS.",
        "NdisMCmCloseAddressFamilyComplete macro", Refusal.Argument,
        Handling: "Refuses the completion (400): the close-AF and deregister-SAP completion pages take NDIS_STATUS_SUCCESS only.");

    public static readonly Rule CreateDeleteVcPended = new("V-CMP-05", Severity.Error,
        "ProtocolCoCreateVc or ProtocolCoDeleteVc answered NDIS_STATUS_PENDING; both are synchronous.",
        "PROTOCOL_CO_CREATE_VC", Refusal.State,
        Handling: "Refuses NdisCoCreateVc/NdisCoDeleteVc while the MCM's ProtocolCoCreateVc/ProtocolCoDeleteVc is scripted to pend: both handlers are synchronous and may not return PENDING.");

    public static readonly Rule CompletionHandleMismatch = new("V-CMP-06", Severity.Error,
        "A completion carries handles other than those NDIS passed with the pended request.",
        "NdisMCmMakeCallComplete macro", Refusal.Argument,
        Handling: "Refuses the completion (400): it must carry the handles NDIS passed with the pended request.");

    public static readonly Rule SecondRequestWhilePending = new("V-CMP-07", Severity.Reject,
        "A second request of the same kind on an object while the first is still pended.",
        "NdisClModifyCallQoS function", Result: NdisStatuses.Failure,
        Handling: "Answers NDIS_STATUS_FAILURE and journals the call with it: a second close or QoS change while the first pends is not forwarded, like NDIS's double-request checks.");

    public static readonly Rule WrongRoleApi = new("V-ROLE-01", Severity.Error,
        "An MCM called an NdisCm*/NdisCo* VC or OID function, or a stand-alone CM called NdisMCm*.",
        "NdisMCmCloseCallComplete macro", Refusal.State,
        NotDetectedBecause: "NdisMock's MCM is reachable only through NdisMCm* operations and its client only through NdisCl*/NdisCo* ones, so the wrong role's function cannot be called.",
        Handling: "Not detectable: each role reaches only its own functions.");

    public static readonly Rule IrqlTooHigh = new("V-IRQL-01", Severity.Error,
        "The caller's IRQL is above the function's limit.",
        "NdisMCmRegisterAddressFamilyEx function", Refusal.State,
        NotDetectedBecause: "Calls arrive over HTTP; there is no caller IRQL to check.",
        Handling: "Not detectable: calls arrive over HTTP, with no IRQL.");

    public static readonly Rule DuplicateAddressFamily = new("V-AF-01", Severity.Reject,
        "NdisMCmRegisterAddressFamilyEx for an address family already registered on the adapter.",
        "NdisMCmRegisterAddressFamilyEx function", Result: NdisStatuses.Failure,
        Handling: "Answers NDIS_STATUS_FAILURE, as NdisMCmRegisterAddressFamilyEx documents for a duplicate registration.");

    public static readonly Rule AddressFamilyNotOpen = new("V-AF-02", Severity.Reject,
        "A SAP, VC or call operation names an address family that is not open (pending, closing or closed).",
        "NdisCoCreateVc function", Result: NdisStatuses.Failure,
        Handling: "Answers NDIS_STATUS_FAILURE: the AF handle is not valid for the request. This includes an incoming call dispatched on an AF whose close the client has asked for: NdisClCloseAddressFamily makes the handle invalid for the client as soon as it is called.");

    public static readonly Rule CloseAfCompleteWithObjects = new("V-AF-03", Severity.Error,
        "NdisMCmCloseAddressFamilyComplete while the address family still has SAPs or VCs.",
        "PROTOCOL_CM_CLOSE_AF", Refusal.State,
        Handling: "Refuses NdisMCmCloseAddressFamilyComplete (409) while SAPs or VCs remain: the MCM pends the close until they are gone (PROTOCOL_CM_CLOSE_AF).");

    public static readonly Rule AddressFamilyUsedAfterClose = new("V-AF-04", Severity.Error,
        "The MCM used an NdisAfHandle after NdisMCmCloseAddressFamilyComplete returned.",
        "NdisMCmCloseAddressFamilyComplete macro", Refusal.StaleHandle,
        Handling: "Refuses the MCM's call (410): after NdisMCmCloseAddressFamilyComplete returned, the MCM must not use the handle. NdisMCmCreateVc is the exception: its page documents NDIS_STATUS_FAILURE for an invalid AF handle, so it answers V-VC-01.");

    public static readonly Rule HaltWithoutNotify = new("V-AF-05", Severity.Warning,
        "An adapter halted without NdisMCmNotifyCloseAddressFamily for each open address family.",
        "NdisMCmNotifyCloseAddressFamily macro",
        NotDetectedBecause: "A sandbox's adapter never halts; deleting a sandbox is not a MiniportHaltEx.",
        Handling: "Not detectable: a sandbox's adapter never halts.");

    public static readonly Rule CloseAfWhileBusy = new("V-AF-06", Severity.Reject,
        "NdisMock: NdisClCloseAddressFamily on an address family that is already closing, or that still has SAPs or VCs when the MCM does not pend the close.",
        "PROTOCOL_CL_CLOSE_AF_COMPLETE", Result: NdisStatuses.Failure,
        Handling: "Answers NDIS_STATUS_FAILURE when the AF is already closing, or when SAPs or VCs remain and the MCM answers its ProtocolCmCloseAf with SUCCESS at once (PROTOCOL_CL_CLOSE_AF_COMPLETE). Decided (issue 13): an MCM scripted to answer a failure instead, such as NDIS_STATUS_NOT_ACCEPTED, has that answer returned, since PROTOCOL_CM_CLOSE_AF lets a call manager refuse a close while calls or SAPs remain.");

    public static readonly Rule NotifyCloseCompleteWhileOpen = new("V-AF-07", Severity.Error,
        "NdisMock: NdisClNotifyCloseAddressFamilyComplete(SUCCESS) while the client has not closed the address family.",
        "PROTOCOL_CL_NOTIFY_CLOSE_AF", Refusal.State,
        Handling: "Refuses NdisClNotifyCloseAddressFamilyComplete(SUCCESS) (409) while the client has not called NdisClCloseAddressFamily: PROTOCOL_CL_NOTIFY_CLOSE_AF has the client tear down and close the AF first, and the MCM would otherwise be told the AF closed. A failure status is accepted.");

    public static readonly Rule DispatchOnWrongSap = new("V-SAP-01", Severity.Error,
        "An incoming call was dispatched on a SAP that is not registered (or registering), or that another client owns.",
        "NdisMCmDispatchIncomingCall macro", Refusal.State,
        Handling: "Refuses the dispatch (409): the SAP is not the VC's client's, or not registered.");

    public static readonly Rule SapInUseAccepted = new("V-SAP-02", Severity.Error,
        "A SAP registration was completed with success although another client holds the same SAP.",
        "PROTOCOL_CM_REG_SAP", Refusal.State,
        Handling: "Refuses NdisMCmRegisterSapComplete(SUCCESS) (409) for a SAP another client holds: PROTOCOL_CM_REG_SAP has the call manager fail it with NDIS_STATUS_INVALID_DATA.");

    public static readonly Rule DeregisterSapNotRegistered = new("V-SAP-03", Severity.Reject,
        "NdisMock: NdisClDeregisterSap on a SAP whose registration or deregistration is still pending.",
        "NdisClDeregisterSap function", Result: NdisStatuses.Failure,
        Handling: "Answers NDIS_STATUS_FAILURE: NdisClDeregisterSap documents it for a SAP already closing (a redundant call).");

    public static readonly Rule DispatchOnDeregisteringSap = new("V-SAP-04", Severity.Reject,
        "NdisMock: NdisMCmDispatchIncomingCall on a SAP whose deregistration the client has asked for.",
        "NdisClDeregisterSap function", Result: NdisStatuses.Failure,
        Handling: "Decided (issue 13): a dispatch on a SAP whose deregistration the client asked for answers NDIS_STATUS_FAILURE instead of a 409, because NdisClDeregisterSap makes the SAP handle invalid for the client at once, and a dispatch returns an NDIS status that NDIS can fail.");

    public static readonly Rule CreateVcInvalidAf = new("V-VC-01", Severity.Reject,
        "NdisMCmCreateVc with an address family handle that is not open.",
        "NdisMCmCreateVc function", Result: NdisStatuses.Failure,
        Handling: "Answers NDIS_STATUS_FAILURE, as NdisMCmCreateVc documents for an invalid AF handle. Decided (issue 13): this includes the handle of an AF whose close completed, which answered 410 (V-AF-04) before.");

    public static readonly Rule VcNotActive = new("V-VC-02", Severity.Error,
        "Data could flow on a VC that is not active: the call was connected while the VC was inactive.",
        "NdisMCmActivateVc function", Refusal.State,
        Handling: "Refuses NdisMCmDispatchCallConnected (409) on an inactive VC: data would flow on it.");

    public static readonly Rule DeactivateInactiveVc = new("V-VC-03", Severity.Reject,
        "NdisMCmDeactivateVc on a VC that is already inactive.",
        "NdisMCmDeactivateVc function", Result: NdisStatuses.NotAccepted,
        Handling: "Answers NDIS_STATUS_NOT_ACCEPTED, as NdisMCmDeactivateVc documents for a VC already inactive.");

    public static readonly Rule DeleteByNonCreator = new("V-VC-04", Severity.Error,
        "A VC was deleted by the side that did not create it.",
        "NdisMCmDeleteVc function", Refusal.State,
        Handling: "Refuses the delete (409): only the VC's creator deletes it. Decided (issue 13): a failing ProtocolCoDeleteVc no longer blocks the client's NdisCoDeleteVc: that page documents only SUCCESS, NOT_ACCEPTED (still active) and CLOSING, and the handle is invalid when it returns, so the VC is deleted and the MCM's status stays in the journal.");

    public static readonly Rule DeleteActiveVc = new("V-VC-05", Severity.Reject,
        "A VC was deleted while still active.",
        "NdisCoDeleteVc function", Result: NdisStatuses.NotAccepted,
        Handling: "Answers NDIS_STATUS_NOT_ACCEPTED, as NdisCoDeleteVc and NdisMCmDeleteVc document for an active VC.");

    public static readonly Rule DeleteWhileDeactivating = new("V-VC-06", Severity.Reject,
        "A VC was deleted while its deactivation was pending.",
        "NdisCoDeleteVc function", Result: NdisStatuses.Closing,
        NotDetectedBecause: "An MCM's NdisMCmDeactivateVc completes synchronously (NdisMCmDeactivateVc function), so no deactivation is ever pending.",
        Handling: "Not detectable: an MCM's deactivation completes at once, so none is ever pending.");

    public static readonly Rule DeleteWithCall = new("V-VC-07", Severity.Reject,
        "A VC was deleted while it still hosts a call.",
        "NdisCoDeleteVc function", Result: NdisStatuses.NotAccepted,
        Handling: "Answers NDIS_STATUS_NOT_ACCEPTED: NdisCoDeleteVc requires that no call remain on the VC.");

    public static readonly Rule DeletedVcUsed = new("V-VC-08", Severity.Error,
        "A deleted VC's handle was used.",
        "NdisCoDeleteVc function", Refusal.StaleHandle,
        Handling: "Refuses the call (410): the handle of a deleted VC is invalid.");

    public static readonly Rule McmVcNotDeleted = new("V-VC-09", Severity.Warning,
        "An MCM-created VC whose call closed was neither deleted nor reused before its address family closed.",
        "NdisMCmCloseCallComplete macro",
        Handling: "Warns when the client closes the AF: an MCM-created VC whose call closed was neither deleted nor reused.");

    public static readonly Rule MakeCallCompleteInactiveVc = new("V-CALL-01", Severity.Error,
        "NdisMCmMakeCallComplete(SUCCESS) while the VC is not active.",
        "NdisMCmMakeCallComplete macro", Refusal.State,
        Handling: "Refuses NdisMCmMakeCallComplete(SUCCESS) (409) with manual duties while the VC is inactive; with auto duties the MCM activates first.");

    public static readonly Rule MakeCallCompletePartyMismatch = new("V-CALL-02", Severity.Error,
        "NdisMCmMakeCallComplete with a party handle on a point-to-point call, without one on a multipoint call, or with a CallMgrPartyContext but no party handle.",
        "PROTOCOL_CM_MAKE_CALL", Refusal.Argument,
        Handling: "Refuses NdisMCmMakeCallComplete (400) whose party arguments do not match the kind of call (PROTOCOL_CM_MAKE_CALL).");

    public static readonly Rule CloseCompleteWhileActive = new("V-CALL-03", Severity.Error,
        "NdisMCmCloseCallComplete(SUCCESS) while the VC is still active (a Warning in lenient sandboxes).",
        "PROTOCOL_CM_CLOSE_CALL", Refusal.State,
        Handling: "Refuses NdisMCmCloseCallComplete(SUCCESS) (409) while the VC is active, in strict sandboxes (PROTOCOL_CM_CLOSE_CALL: deactivate, then complete). A lenient sandbox accepts the guide page's order with a warning, and warns again when an MCM VC never deactivated is offered another call: deactivation may follow the completion, not be skipped before reuse.");

    public static readonly Rule CloseCompletePartyMismatch = new("V-CALL-04", Severity.Error,
        "A close-call party handle is non-NULL for a point-to-point call, NULL for a multipoint call, or not the last remaining party.",
        "NdisMCmCloseCallComplete macro", Refusal.Argument,
        Handling: "Refuses the close (400) whose party does not match: NULL for point-to-point, the last remaining party for multipoint (NdisMCmCloseCallComplete).");

    public static readonly Rule TransferAfterClose = new("V-CALL-05", Severity.Error,
        "The VC or party was used for data transfer after a successful close.",
        "NdisMCmCloseCallComplete macro", Refusal.State,
        NotDetectedBecause: "NdisMock has no data path (no sends or receives), so no transfer can follow a close.",
        Handling: "Not detectable: NdisMock has no data path.");

    public static readonly Rule DispatchOnWrongVc = new("V-CALL-06", Severity.Error,
        "NdisMCmDispatchIncomingCall on a VC the MCM did not create, that is not active (a Warning in lenient sandboxes), that already hosts a call, or that belongs to another client.",
        "NdisMCmDispatchIncomingCall macro", Refusal.State,
        Handling: "Refuses the dispatch (409) on a VC the MCM did not create, that hosts a call or belongs to another client; on an inactive VC in strict sandboxes, a warning in lenient ones.");

    public static readonly Rule ConnectedWithoutAcceptance = new("V-CALL-07", Severity.Error,
        "NdisMCmDispatchCallConnected for a call the client has not accepted.",
        "NdisMCmDispatchCallConnected macro", Refusal.State,
        Handling: "Refuses NdisMCmDispatchCallConnected (409) for a call the client has not accepted.");

    public static readonly Rule ConnectedOnClientVc = new("V-CALL-08", Severity.Error,
        "NdisMCmDispatchCallConnected on a VC the client created.",
        "NdisMCmDispatchCallConnected macro", Refusal.State,
        Handling: "Refuses NdisMCmDispatchCallConnected (409) on a client-created VC: its call completes with NdisMCmMakeCallComplete.");

    public static readonly Rule RejectedOfferVcLingers = new("V-CALL-09", Severity.Warning,
        "The client rejected an offered call but the MCM neither deactivated nor deleted or reused the VC before its address family closed.",
        "NdisMCmDispatchIncomingCall macro",
        Handling: "Warns when the client closes the AF: the MCM neither deactivated nor deleted or reused a VC whose offer was rejected.");

    public static readonly Rule IncomingCloseWithParties = new("V-CALL-10", Severity.Error,
        "NdisMCmDispatchIncomingCloseCall on a multipoint call that still has more than one party; use NdisMCmDispatchIncomingDropParty.",
        "NdisMCmDispatchIncomingDropParty macro", Refusal.State,
        Handling: "Refuses NdisMCmDispatchIncomingCloseCall (409) while more than one party is connected: the others leave with NdisMCmDispatchIncomingDropParty. Decided (issue 13): a party whose add pends is not connected and does not count, so the remote side can clear the call while an add party is in flight; the MCM still owes that add's completion (V-CMP-03).");

    public static readonly Rule QosWithoutActivation = new("V-CALL-11", Severity.Error,
        "A QoS change was completed or dispatched without a preceding NdisMCmActivateVc carrying the new parameters.",
        "NdisMCmModifyCallQoSComplete macro", Refusal.State,
        Handling: "Refuses the QoS completion or dispatch (409) with manual duties unless the MCM activated the VC with the new parameters first; with auto duties the MCM does it.");

    public static readonly Rule MakeCallOnWrongVc = new("V-CALL-12", Severity.Reject,
        "NdisClMakeCall on a VC the MCM created, that already hosts a call, or that is closing or still active.",
        "NdisClMakeCall function", Result: NdisStatuses.Failure,
        Handling: "Answers NDIS_STATUS_FAILURE: NdisClMakeCall needs a client-created VC without a call.");

    public static readonly Rule CallInWrongState = new("V-CALL-13", Severity.Error,
        "NdisMock: the operation needs a call in another state (no call, not yet connected, already closing).",
        "NdisClCloseCall function", Refusal.State,
        Handling: "Refuses the call (409) that needs a call in another state. Decided (issue 13): a close while the make call pends is no longer refused: no page forbids it, NDIS forwards it to ProtocolCmCloseCall, and the MCM completes both (the make call first, V-CMP-03). A QoS change during an offer is forwarded too (NdisClIncomingCallComplete: the client may negotiate first); completing the offer while that change pends is refused.");

    public static readonly Rule AddPartyCompleteWithoutContext = new("V-PTY-01", Severity.Error,
        "NdisMCmAddPartyComplete(SUCCESS) with a NULL CallMgrPartyContext.",
        "NdisMCmAddPartyComplete macro", Refusal.Argument,
        Handling: "Refuses the completion (400): a party that was added needs its CallMgrPartyContext (NdisMCmAddPartyComplete).");

    public static readonly Rule AddPartyPointToPoint = new("V-PTY-02", Severity.Reject,
        "NdisClAddParty on a point-to-point call.",
        "NdisClAddParty function", Result: NdisStatuses.NotSupported,
        Handling: "Answers NDIS_STATUS_NOT_SUPPORTED: a point-to-point call has no parties to add.");

    public static readonly Rule DropLastParty = new("V-PTY-03", Severity.Reject,
        "NdisClDropParty on the last party of a call; the last party leaves with NdisClCloseCall.",
        "PROTOCOL_CL_DROP_PARTY_COMPLETE", Result: NdisStatuses.Failure,
        Handling: "Answers NDIS_STATUS_FAILURE: the last party leaves with NdisClCloseCall (PROTOCOL_CL_DROP_PARTY_COMPLETE).");

    public static readonly Rule CloseCallWithParties = new("V-PTY-04", Severity.Reject,
        "NdisClCloseCall while more than one party remains.",
        "NdisClCloseCall function", Result: NdisStatuses.Failure,
        Handling: "Answers NDIS_STATUS_FAILURE while more than one party remains (NdisClCloseCall).");

    public static readonly Rule IncomingDropLastParty = new("V-PTY-05", Severity.Error,
        "NdisMCmDispatchIncomingDropParty for the last party; use NdisMCmDispatchIncomingCloseCall.",
        "NdisMCmDispatchIncomingDropParty macro", Refusal.State,
        Handling: "Refuses the dispatch (409): the last party's remote leave is NdisMCmDispatchIncomingCloseCall.");

    public static readonly Rule DroppedPartyUsed = new("V-PTY-06", Severity.Error,
        "A party handle was used after the party was dropped.",
        "NdisMCmDropPartyComplete macro", Refusal.StaleHandle,
        Handling: "Refuses the call (410): a party handle is invalid once the party is dropped, and for the client from the moment it calls NdisClDropParty, NdisClCloseCall naming it included.");

    public static readonly Rule OidAfHandle = new("V-OID-01", Severity.Error,
        "NdisMCmOidRequest with a NULL address family handle, or a party handle without one.",
        "NdisCoOidRequest function", Refusal.Argument,
        NotDetectedBecause: "OID requests (NdisCoOidRequest, NdisMCmOidRequest) are not part of NdisMock's model.",
        Handling: "Not detectable: OID requests are not modelled.");

    public static readonly Rule OidWrongCompletion = new("V-OID-02", Severity.Error,
        "An OID request completed through the wrong completion function.",
        "NdisMCmOidRequest function", Refusal.State,
        NotDetectedBecause: "OID requests (NdisCoOidRequest, NdisMCmOidRequest) are not part of NdisMock's model.",
        Handling: "Not detectable: OID requests are not modelled.");

    public static readonly Rule UnknownHandle = new("V-HDL-01", Severity.Error,
        "NdisMock: a handle this sandbox never issued for that kind of object.",
        "NdisCoCreateVc function", Refusal.UnknownHandle,
        Handling: "Refuses the call (404): the handle was never issued by this sandbox for that kind of object.");

    public static readonly Rule StaleHandle = new("V-HDL-02", Severity.Error,
        "NdisMock: a handle of an object that is gone (a deregistered SAP, a finished pended request).",
        "NdisClDeregisterSap function", Refusal.StaleHandle,
        Handling: "Refuses the call (410): the handle names an object that is gone.");

    public static readonly Rule VcQuota = new("V-QUOTA-01", Severity.Error,
        "NdisMock: the sandbox already holds as many VCs as its operator allows; delete some first.",
        "NdisCoCreateVc function", Refusal.Quota,
        Handling: "Refuses the call (409) and changes nothing: the operator's VC limit for the sandbox is reached.");

    public static readonly Rule PendingQuota = new("V-QUOTA-02", Severity.Error,
        "NdisMock: the sandbox already holds as many pending requests as its operator allows; complete some first.",
        "NdisMCmMakeCallComplete macro", Refusal.Quota,
        Handling: "Refuses the call (409) and changes nothing: the operator's limit of pending requests for the sandbox is reached.");

    public static readonly Rule AddressFamilyQuota = new("V-QUOTA-03", Severity.Error,
        "NdisMock: the sandbox already holds as many address family opens as its operator allows; close some first.",
        "NdisClOpenAddressFamilyEx function", Refusal.Quota,
        Handling: "Refuses the call (409) and changes nothing: the operator's limit of address family opens for the sandbox is reached, which bounds the memory one tenant holds.");

    public static readonly Rule SapQuota = new("V-QUOTA-04", Severity.Error,
        "NdisMock: the sandbox already holds as many SAPs as its operator allows; deregister some first.",
        "NdisClRegisterSap function", Refusal.Quota,
        Handling: "Refuses the call (409) and changes nothing: the operator's SAP limit for the sandbox is reached, which bounds the memory one tenant holds.");

    public static readonly Rule PartyQuota = new("V-QUOTA-05", Severity.Error,
        "NdisMock: the sandbox already holds as many parties as its operator allows; drop some first.",
        "NdisClAddParty function", Refusal.Quota,
        Handling: "Refuses the call (409) and changes nothing: the operator's party limit for the sandbox is reached, which bounds the memory one tenant holds.");

    /// <summary>Every rule, in catalogue order.</summary>
    public static IReadOnlyList<Rule> All { get; } =
    [
        CompletionWithPending, CompletionWithoutRequest, PendedRequestAbandoned, CloseCompletionNotSuccess,
        CreateDeleteVcPended, CompletionHandleMismatch, SecondRequestWhilePending, WrongRoleApi, IrqlTooHigh,
        DuplicateAddressFamily, AddressFamilyNotOpen, CloseAfCompleteWithObjects, AddressFamilyUsedAfterClose,
        HaltWithoutNotify, CloseAfWhileBusy, NotifyCloseCompleteWhileOpen, DispatchOnWrongSap, SapInUseAccepted, DeregisterSapNotRegistered, DispatchOnDeregisteringSap,
        CreateVcInvalidAf, VcNotActive, DeactivateInactiveVc, DeleteByNonCreator, DeleteActiveVc,
        DeleteWhileDeactivating, DeleteWithCall, DeletedVcUsed, McmVcNotDeleted, MakeCallCompleteInactiveVc,
        MakeCallCompletePartyMismatch, CloseCompleteWhileActive, CloseCompletePartyMismatch, TransferAfterClose,
        DispatchOnWrongVc, ConnectedWithoutAcceptance, ConnectedOnClientVc, RejectedOfferVcLingers,
        IncomingCloseWithParties, QosWithoutActivation, MakeCallOnWrongVc, CallInWrongState,
        AddPartyCompleteWithoutContext, AddPartyPointToPoint, DropLastParty, CloseCallWithParties,
        IncomingDropLastParty, DroppedPartyUsed, OidAfHandle, OidWrongCompletion, UnknownHandle, StaleHandle, VcQuota, PendingQuota,
        AddressFamilyQuota, SapQuota, PartyQuota,
    ];

    public static Rule? Find(string id) => All.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));
}
