namespace NdisMock.Domain;

/// <summary>How bad a finding is (CONDIS.md §6.2).</summary>
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
public sealed record Rule(
    string Id,
    Severity Severity,
    string Summary,
    string Reference,
    Refusal Refusal = Refusal.None,
    NdisStatus? Result = null,
    string? NotDetectedBecause = null)
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
/// The one catalogue of rules: every V-* id of CONDIS.md §6.2, plus the few NdisMock adds for situations the
/// catalogue has no id for (marked "NdisMock" in their summary).
/// </summary>
public static class Rules
{
    public static readonly Rule CompletionWithPending = new("V-CMP-01", Severity.Error,
        "A completion call passed NDIS_STATUS_PENDING as its status.",
        "NdisMCmCloseCallComplete macro", Refusal.Argument);

    public static readonly Rule CompletionWithoutRequest = new("V-CMP-02", Severity.Error,
        "A completion call has no pended request of that kind for that handle: never pended, or already completed.",
        "NdisMCmMakeCallComplete macro", Refusal.State);

    public static readonly Rule PendedRequestAbandoned = new("V-CMP-03", Severity.Error,
        "An object was torn down while a request on it was still pended and never completed.",
        "NdisMCmMakeCallComplete macro", Refusal.State);

    public static readonly Rule CloseCompletionNotSuccess = new("V-CMP-04", Severity.Error,
        "NdisMCmCloseAddressFamilyComplete or NdisMCmDeregisterSapComplete with a status other than NDIS_STATUS_SUCCESS.",
        "NdisMCmCloseAddressFamilyComplete macro", Refusal.Argument);

    public static readonly Rule CreateDeleteVcPended = new("V-CMP-05", Severity.Error,
        "ProtocolCoCreateVc or ProtocolCoDeleteVc answered NDIS_STATUS_PENDING; both are synchronous.",
        "PROTOCOL_CO_CREATE_VC", Refusal.State);

    public static readonly Rule CompletionHandleMismatch = new("V-CMP-06", Severity.Error,
        "A completion carries handles other than those NDIS passed with the pended request.",
        "NdisMCmMakeCallComplete macro", Refusal.Argument);

    public static readonly Rule SecondRequestWhilePending = new("V-CMP-07", Severity.Reject,
        "A second request of the same kind on an object while the first is still pended.",
        "NdisClModifyCallQoS function", Result: NdisStatuses.Failure);

    public static readonly Rule WrongRoleApi = new("V-ROLE-01", Severity.Error,
        "An MCM called an NdisCm*/NdisCo* VC or OID function, or a stand-alone CM called NdisMCm*.",
        "NdisMCmCloseCallComplete macro", Refusal.State,
        NotDetectedBecause: "NdisMock's MCM is reachable only through NdisMCm* operations and its client only through NdisCl*/NdisCo* ones, so the wrong role's function cannot be called.");

    public static readonly Rule IrqlTooHigh = new("V-IRQL-01", Severity.Error,
        "The caller's IRQL is above the function's limit.",
        "NdisMCmRegisterAddressFamilyEx function", Refusal.State,
        NotDetectedBecause: "Calls arrive over HTTP; there is no caller IRQL to check.");

    public static readonly Rule DuplicateAddressFamily = new("V-AF-01", Severity.Reject,
        "NdisMCmRegisterAddressFamilyEx for an address family already registered on the adapter.",
        "NdisMCmRegisterAddressFamilyEx function", Result: NdisStatuses.Failure);

    public static readonly Rule AddressFamilyNotOpen = new("V-AF-02", Severity.Reject,
        "A SAP, VC or call operation names an address family that is not open (pending, closing or closed).",
        "NdisCoCreateVc function", Result: NdisStatuses.Failure);

    public static readonly Rule CloseAfCompleteWithObjects = new("V-AF-03", Severity.Error,
        "NdisMCmCloseAddressFamilyComplete while the address family still has SAPs or VCs.",
        "PROTOCOL_CM_CLOSE_AF", Refusal.State);

    public static readonly Rule AddressFamilyUsedAfterClose = new("V-AF-04", Severity.Error,
        "The MCM used an NdisAfHandle after NdisMCmCloseAddressFamilyComplete returned.",
        "NdisMCmCloseAddressFamilyComplete macro", Refusal.StaleHandle);

    public static readonly Rule HaltWithoutNotify = new("V-AF-05", Severity.Warning,
        "An adapter halted without NdisMCmNotifyCloseAddressFamily for each open address family.",
        "NdisMCmNotifyCloseAddressFamily macro",
        NotDetectedBecause: "A sandbox's adapter never halts; deleting a sandbox is not a MiniportHaltEx.");

    public static readonly Rule CloseAfWhileBusy = new("V-AF-06", Severity.Reject,
        "NdisMock: NdisClCloseAddressFamily on an address family that is already closing, or that still has SAPs or VCs when the MCM does not pend the close.",
        "PROTOCOL_CL_CLOSE_AF_COMPLETE", Result: NdisStatuses.Failure);

    public static readonly Rule DispatchOnWrongSap = new("V-SAP-01", Severity.Error,
        "An incoming call was dispatched on a SAP that is not registered (or registering), or that another client owns.",
        "NdisMCmDispatchIncomingCall macro", Refusal.State);

    public static readonly Rule SapInUseAccepted = new("V-SAP-02", Severity.Error,
        "A SAP registration was completed with success although another client holds the same SAP.",
        "PROTOCOL_CM_REG_SAP", Refusal.State);

    public static readonly Rule DeregisterSapNotRegistered = new("V-SAP-03", Severity.Reject,
        "NdisMock: NdisClDeregisterSap on a SAP whose registration or deregistration is still pending.",
        "NdisClDeregisterSap function", Result: NdisStatuses.Failure);

    public static readonly Rule CreateVcInvalidAf = new("V-VC-01", Severity.Reject,
        "NdisMCmCreateVc with an address family handle that is not open.",
        "NdisMCmCreateVc function", Result: NdisStatuses.Failure);

    public static readonly Rule VcNotActive = new("V-VC-02", Severity.Error,
        "Data could flow on a VC that is not active: the call was connected while the VC was inactive.",
        "NdisMCmActivateVc function", Refusal.State);

    public static readonly Rule DeactivateInactiveVc = new("V-VC-03", Severity.Reject,
        "NdisMCmDeactivateVc on a VC that is already inactive.",
        "NdisMCmDeactivateVc function", Result: NdisStatuses.NotAccepted);

    public static readonly Rule DeleteByNonCreator = new("V-VC-04", Severity.Error,
        "A VC was deleted by the side that did not create it.",
        "NdisMCmDeleteVc function", Refusal.State);

    public static readonly Rule DeleteActiveVc = new("V-VC-05", Severity.Reject,
        "A VC was deleted while still active.",
        "NdisCoDeleteVc function", Result: NdisStatuses.NotAccepted);

    public static readonly Rule DeleteWhileDeactivating = new("V-VC-06", Severity.Reject,
        "A VC was deleted while its deactivation was pending.",
        "NdisCoDeleteVc function", Result: NdisStatuses.Closing,
        NotDetectedBecause: "An MCM's NdisMCmDeactivateVc completes synchronously (CONDIS.md §8-1), so no deactivation is ever pending.");

    public static readonly Rule DeleteWithCall = new("V-VC-07", Severity.Reject,
        "A VC was deleted while it still hosts a call.",
        "NdisCoDeleteVc function", Result: NdisStatuses.NotAccepted);

    public static readonly Rule DeletedVcUsed = new("V-VC-08", Severity.Error,
        "A deleted VC's handle was used.",
        "NdisCoDeleteVc function", Refusal.StaleHandle);

    public static readonly Rule McmVcNotDeleted = new("V-VC-09", Severity.Warning,
        "An MCM-created VC whose call closed was neither deleted nor reused before its address family closed.",
        "NdisMCmCloseCallComplete macro");

    public static readonly Rule MakeCallCompleteInactiveVc = new("V-CALL-01", Severity.Error,
        "NdisMCmMakeCallComplete(SUCCESS) while the VC is not active.",
        "NdisMCmMakeCallComplete macro", Refusal.State);

    public static readonly Rule MakeCallCompletePartyMismatch = new("V-CALL-02", Severity.Error,
        "NdisMCmMakeCallComplete with a party handle on a point-to-point call, without one on a multipoint call, or with a CallMgrPartyContext but no party handle.",
        "PROTOCOL_CM_MAKE_CALL", Refusal.Argument);

    public static readonly Rule CloseCompleteWhileActive = new("V-CALL-03", Severity.Error,
        "NdisMCmCloseCallComplete(SUCCESS) while the VC is still active (a Warning in lenient sandboxes, CONDIS.md §8-2).",
        "PROTOCOL_CM_CLOSE_CALL", Refusal.State);

    public static readonly Rule CloseCompletePartyMismatch = new("V-CALL-04", Severity.Error,
        "A close-call party handle is non-NULL for a point-to-point call, NULL for a multipoint call, or not the last remaining party.",
        "NdisMCmCloseCallComplete macro", Refusal.Argument);

    public static readonly Rule TransferAfterClose = new("V-CALL-05", Severity.Error,
        "The VC or party was used for data transfer after a successful close.",
        "NdisMCmCloseCallComplete macro", Refusal.State,
        NotDetectedBecause: "NdisMock has no data path (no sends or receives), so no transfer can follow a close.");

    public static readonly Rule DispatchOnWrongVc = new("V-CALL-06", Severity.Error,
        "NdisMCmDispatchIncomingCall on a VC the MCM did not create, that is not active (a Warning in lenient sandboxes, CONDIS.md §8-3), that already hosts a call, or that belongs to another client.",
        "NdisMCmDispatchIncomingCall macro", Refusal.State);

    public static readonly Rule ConnectedWithoutAcceptance = new("V-CALL-07", Severity.Error,
        "NdisMCmDispatchCallConnected for a call the client has not accepted.",
        "NdisMCmDispatchCallConnected macro", Refusal.State);

    public static readonly Rule ConnectedOnClientVc = new("V-CALL-08", Severity.Error,
        "NdisMCmDispatchCallConnected on a VC the client created.",
        "NdisMCmDispatchCallConnected macro", Refusal.State);

    public static readonly Rule RejectedOfferVcLingers = new("V-CALL-09", Severity.Warning,
        "The client rejected an offered call but the MCM neither deactivated nor deleted or reused the VC before its address family closed.",
        "NdisMCmDispatchIncomingCall macro");

    public static readonly Rule IncomingCloseWithParties = new("V-CALL-10", Severity.Error,
        "NdisMCmDispatchIncomingCloseCall on a multipoint call that still has more than one party; use NdisMCmDispatchIncomingDropParty.",
        "NdisMCmDispatchIncomingDropParty macro", Refusal.State);

    public static readonly Rule QosWithoutActivation = new("V-CALL-11", Severity.Error,
        "A QoS change was completed or dispatched without a preceding NdisMCmActivateVc carrying the new parameters.",
        "NdisMCmModifyCallQoSComplete macro", Refusal.State);

    public static readonly Rule MakeCallOnWrongVc = new("V-CALL-12", Severity.Reject,
        "NdisClMakeCall on a VC the MCM created, that already hosts a call, or that is closing or still active.",
        "NdisClMakeCall function", Result: NdisStatuses.Failure);

    public static readonly Rule CallInWrongState = new("V-CALL-13", Severity.Error,
        "NdisMock: the operation needs a call in another state (no call, not yet connected, already closing).",
        "NdisClCloseCall function", Refusal.State);

    public static readonly Rule AddPartyCompleteWithoutContext = new("V-PTY-01", Severity.Error,
        "NdisMCmAddPartyComplete(SUCCESS) with a NULL CallMgrPartyContext.",
        "NdisMCmAddPartyComplete macro", Refusal.Argument);

    public static readonly Rule AddPartyPointToPoint = new("V-PTY-02", Severity.Reject,
        "NdisClAddParty on a point-to-point call.",
        "NdisClAddParty function", Result: NdisStatuses.NotSupported);

    public static readonly Rule DropLastParty = new("V-PTY-03", Severity.Reject,
        "NdisClDropParty on the last party of a call; the last party leaves with NdisClCloseCall.",
        "PROTOCOL_CL_DROP_PARTY_COMPLETE", Result: NdisStatuses.Failure);

    public static readonly Rule CloseCallWithParties = new("V-PTY-04", Severity.Reject,
        "NdisClCloseCall while more than one party remains.",
        "NdisClCloseCall function", Result: NdisStatuses.Failure);

    public static readonly Rule IncomingDropLastParty = new("V-PTY-05", Severity.Error,
        "NdisMCmDispatchIncomingDropParty for the last party; use NdisMCmDispatchIncomingCloseCall.",
        "NdisMCmDispatchIncomingDropParty macro", Refusal.State);

    public static readonly Rule DroppedPartyUsed = new("V-PTY-06", Severity.Error,
        "A party handle was used after the party was dropped.",
        "NdisMCmDropPartyComplete macro", Refusal.StaleHandle);

    public static readonly Rule OidAfHandle = new("V-OID-01", Severity.Error,
        "NdisMCmOidRequest with a NULL address family handle, or a party handle without one.",
        "NdisCoOidRequest function", Refusal.Argument,
        NotDetectedBecause: "OID requests (CONDIS.md §2.1 rows G1-G3) are not part of NdisMock's model.");

    public static readonly Rule OidWrongCompletion = new("V-OID-02", Severity.Error,
        "An OID request completed through the wrong completion function.",
        "NdisMCmOidRequest function", Refusal.State,
        NotDetectedBecause: "OID requests (CONDIS.md §2.1 rows G1-G3) are not part of NdisMock's model.");

    public static readonly Rule UnknownHandle = new("V-HDL-01", Severity.Error,
        "NdisMock: a handle this sandbox never issued for that kind of object.",
        "NdisCoCreateVc function", Refusal.UnknownHandle);

    public static readonly Rule StaleHandle = new("V-HDL-02", Severity.Error,
        "NdisMock: a handle of an object that is gone (a deregistered SAP, a finished pended request).",
        "NdisClDeregisterSap function", Refusal.StaleHandle);

    public static readonly Rule VcQuota = new("V-QUOTA-01", Severity.Error,
        "NdisMock: the sandbox already holds as many VCs as its operator allows; delete some first.",
        "NdisCoCreateVc function", Refusal.Quota);

    public static readonly Rule PendingQuota = new("V-QUOTA-02", Severity.Error,
        "NdisMock: the sandbox already holds as many pending requests as its operator allows; complete some first.",
        "NdisMCmMakeCallComplete macro", Refusal.Quota);

    public static readonly Rule AddressFamilyQuota = new("V-QUOTA-03", Severity.Error,
        "NdisMock: the sandbox already holds as many address family opens as its operator allows; close some first.",
        "NdisClOpenAddressFamilyEx function", Refusal.Quota);

    public static readonly Rule SapQuota = new("V-QUOTA-04", Severity.Error,
        "NdisMock: the sandbox already holds as many SAPs as its operator allows; deregister some first.",
        "NdisClRegisterSap function", Refusal.Quota);

    public static readonly Rule PartyQuota = new("V-QUOTA-05", Severity.Error,
        "NdisMock: the sandbox already holds as many parties as its operator allows; drop some first.",
        "NdisClAddParty function", Refusal.Quota);

    /// <summary>Every rule, in catalogue order.</summary>
    public static IReadOnlyList<Rule> All { get; } =
    [
        CompletionWithPending, CompletionWithoutRequest, PendedRequestAbandoned, CloseCompletionNotSuccess,
        CreateDeleteVcPended, CompletionHandleMismatch, SecondRequestWhilePending, WrongRoleApi, IrqlTooHigh,
        DuplicateAddressFamily, AddressFamilyNotOpen, CloseAfCompleteWithObjects, AddressFamilyUsedAfterClose,
        HaltWithoutNotify, CloseAfWhileBusy, DispatchOnWrongSap, SapInUseAccepted, DeregisterSapNotRegistered,
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
