using NdisMock.Api.Contracts;
using NdisMock.Api.Sandboxes;

namespace NdisMock.Api.Roles;

/// <summary>The MCM role: what the miniport call manager calls (NdisMCm*), to complete requests and to play the network.</summary>
internal static class McmApi
{
    public static IEndpointRouteBuilder MapMcmRole(this IEndpointRouteBuilder app)
    {
        var mcm = app.MapGroup("/sandboxes/{sandboxId}/mcm").RequireSandboxKey().WithTags("MCM");

        mcm.MapPost("/address-families/{ndisAfHandle}/vcs", (string ndisAfHandle, McmCreateVcRequest? request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisMCmCreateVc(ndisAfHandle, request?.MiniportVcContext, request?.ProtocolVcContext).ToHttp(scope))
            .Ndis("NdisMCmCreateVc", "NdisMCmCreateVc — create a VC for an incoming call to the client that opened this family.",
                "Synchronous: NDIS calls the client's ProtocolCoCreateVc (journaled with protocolVcContext) and returns 201 with the ndisVcHandle. " +
                "The MCM is the VC's creator and the only one who may delete it. NDIS_STATUS_FAILURE (V-VC-01) on a family that is not open; " +
                "a family whose close completed is V-AF-04 (410).");

        mcm.MapDelete("/vcs/{ndisVcHandle}", (string ndisVcHandle, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisMCmDeleteVc(ndisVcHandle).ToHttp(scope))
            .Ndis("NdisMCmDeleteVc", "NdisMCmDeleteVc — delete a VC the MCM created.",
                "NDIS calls the client's ProtocolCoDeleteVc; the handle is dead when this returns. NDIS_STATUS_NOT_ACCEPTED while the VC is active " +
                "(V-VC-05) or hosts a call (V-VC-07); a VC the client created is V-VC-04 (409).");

        mcm.MapPost("/vcs/{ndisVcHandle}/activate", (string ndisVcHandle, OptionalCallParametersBody? request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisMCmActivateVc(ndisVcHandle, request?.CallParameters?.ToDomain()).ToHttp(scope))
            .Ndis("NdisMCmActivateVc", "NdisMCmActivateVc — activate a VC, or re-activate it with new parameters.",
                "Synchronous for an MCM (NDIS never calls an MCM's ProtocolCmActivateVcComplete: NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS). Required before NdisMCmMakeCallComplete(SUCCESS), before " +
                "NdisMCmDispatchIncomingCall, and with the new parameters before a QoS change is completed or dispatched. With auto duties the MCM " +
                "does this by itself.");

        mcm.MapPost("/vcs/{ndisVcHandle}/deactivate", (string ndisVcHandle, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisMCmDeactivateVc(ndisVcHandle).ToHttp(scope))
            .Ndis("NdisMCmDeactivateVc", "NdisMCmDeactivateVc — deactivate a VC.",
                "Required before NdisMCmCloseCallComplete(SUCCESS) in strict sandboxes (V-CALL-03). The handle stays valid. " +
                "NDIS_STATUS_NOT_ACCEPTED (V-VC-03) when the VC is already inactive.");

        mcm.MapPost("/saps/{ndisSapHandle}/vcs/{ndisVcHandle}/incoming-call", (string ndisSapHandle, string ndisVcHandle, OptionalCallParametersBody? request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisMCmDispatchIncomingCall(ndisSapHandle, ndisVcHandle, request?.CallParameters?.ToDomain()).ToHttp(scope))
            .Ndis("NdisMCmDispatchIncomingCall", "NdisMCmDispatchIncomingCall — offer an incoming call on a SAP, on a VC the MCM created.",
                "NDIS calls the client's ProtocolClIncomingCall with protocolSapContext and protocolVcContext; the client's answer pends (202) until " +
                "NdisClIncomingCallComplete. The SAP must be registered (or registering) by the VC's client (V-SAP-01); the VC must be the MCM's, " +
                "hold no call and be active (V-CALL-06; a warning in lenient sandboxes; auto duties activate it).");

        mcm.MapPost("/vcs/{ndisVcHandle}/call-connected", (string ndisVcHandle, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisMCmDispatchCallConnected(ndisVcHandle).ToHttp(scope))
            .Ndis("NdisMCmDispatchCallConnected", "NdisMCmDispatchCallConnected — tell the client an accepted incoming call is up.",
                "NDIS calls ProtocolClCallConnected; data may flow. Only after the client accepted (V-CALL-07), only on the MCM's VC (V-CALL-08), " +
                "only on an active VC (V-VC-02).");

        mcm.MapPost("/vcs/{ndisVcHandle}/incoming-close", (string ndisVcHandle, IncomingCloseRequest request, [AsParameters] SandboxScope scope) =>
                request.CloseStatus is { } status
                    ? scope.Sandbox.NdisMCmDispatchIncomingCloseCall(status, ndisVcHandle, request.CloseData, request.Cause).ToHttp(scope)
                    : ProblemCatalogue.StatusOrCauseRequired())
            .Ndis("NdisMCmDispatchIncomingCloseCall", "NdisMCmDispatchIncomingCloseCall — the remote side or the network closed the call.",
                "NDIS calls ProtocolClIncomingCloseCall with the close status; the client must answer with NdisClCloseCall. For a multipoint call only " +
                "when one party is left (V-CALL-10: use NdisMCmDispatchIncomingDropParty for the others).");

        mcm.MapPost("/parties/{ndisPartyHandle}/incoming-drop", (string ndisPartyHandle, IncomingCloseRequest request, [AsParameters] SandboxScope scope) =>
                request.CloseStatus is { } status
                    ? scope.Sandbox.NdisMCmDispatchIncomingDropParty(status, ndisPartyHandle, request.CloseData).ToHttp(scope)
                    : ProblemCatalogue.StatusOrCauseRequired())
            .Ndis("NdisMCmDispatchIncomingDropParty", "NdisMCmDispatchIncomingDropParty — a remote party left a multipoint call.",
                "NDIS calls ProtocolClIncomingDropParty with protocolPartyContext; the client answers with NdisClDropParty. Not for the last party " +
                "(V-PTY-05: use NdisMCmDispatchIncomingCloseCall).");

        mcm.MapPost("/vcs/{ndisVcHandle}/incoming-qos-change", (string ndisVcHandle, CallParametersBody request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisMCmDispatchIncomingCallQoSChange(ndisVcHandle, request.CallParameters.ToDomain()).ToHttp(scope))
            .Ndis("NdisMCmDispatchIncomingCallQoSChange", "NdisMCmDispatchIncomingCallQoSChange — the remote side changed the call's QoS.",
                "NDIS calls ProtocolClIncomingCallQoSChange with the new parameters. The VC must already be active with exactly these parameters " +
                "(V-CALL-11); auto duties re-activate it first.");

        mcm.MapPost("/address-families/{ndisAfHandle}/notify-close", (string ndisAfHandle, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisMCmNotifyCloseAddressFamily(ndisAfHandle).ToHttp(scope))
            .Ndis("NdisMCmNotifyCloseAddressFamily", "NdisMCmNotifyCloseAddressFamily — ask the client to close its address family (adapter halting).",
                "NDIS calls the client's ProtocolClNotifyCloseAf, which pends (202) while the client drops parties, closes calls, deregisters SAPs " +
                "and closes the family, then calls NdisClNotifyCloseAddressFamilyComplete. NDIS_STATUS_FAILURE (V-AF-02) on a family that is not open.");

        mcm.MapPost("/address-families/{ndisAfHandle}/open-complete", (string ndisAfHandle, OpenAfCompleteRequest request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisMCmOpenAddressFamilyComplete(request.Status.ToStatus(), ndisAfHandle, request.CallMgrAfContext).ToHttp(scope))
            .Ndis("NdisMCmOpenAddressFamilyComplete", "NdisMCmOpenAddressFamilyComplete — complete a pended ProtocolCmOpenAf.",
                "NDIS calls ProtocolClOpenAfCompleteEx with clientAfContext. A failure status invalidates the handle. " +
                "NDIS_STATUS_PENDING is V-CMP-01; without a pended open, V-CMP-02.");

        mcm.MapPost("/address-families/{ndisAfHandle}/close-complete", (string ndisAfHandle, StatusRequest request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisMCmCloseAddressFamilyComplete(request.Status.ToStatus(), ndisAfHandle).ToHttp(scope))
            .Ndis("NdisMCmCloseAddressFamilyComplete", "NdisMCmCloseAddressFamilyComplete — complete a pended ProtocolCmCloseAf.",
                "NDIS calls ProtocolClCloseAfComplete; the handle is dead for the MCM afterwards (V-AF-04). NDIS_STATUS_SUCCESS only (V-CMP-04), " +
                "and only once the family's SAPs and VCs are gone (V-AF-03).");

        mcm.MapPost("/saps/{ndisSapHandle}/register-complete", (string ndisSapHandle, RegisterSapCompleteRequest request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisMCmRegisterSapComplete(request.Status.ToStatus(), ndisSapHandle, request.CallMgrSapContext).ToHttp(scope))
            .Ndis("NdisMCmRegisterSapComplete", "NdisMCmRegisterSapComplete — complete a pended ProtocolCmRegisterSap.",
                "NDIS calls ProtocolClRegisterSapComplete with protocolSapContext and the SAP. A failure invalidates the handle. Succeeding although " +
                "another client holds the SAP is V-SAP-02 (fail it with NDIS_STATUS_INVALID_DATA).");

        mcm.MapPost("/saps/{ndisSapHandle}/deregister-complete", (string ndisSapHandle, StatusRequest request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisMCmDeregisterSapComplete(request.Status.ToStatus(), ndisSapHandle).ToHttp(scope))
            .Ndis("NdisMCmDeregisterSapComplete", "NdisMCmDeregisterSapComplete — complete a pended ProtocolCmDeregisterSap.",
                "NDIS calls ProtocolClDeregisterSapComplete; the SAP is gone. NDIS_STATUS_SUCCESS only (V-CMP-04).");

        mcm.MapPost("/vcs/{ndisVcHandle}/make-call-complete", (string ndisVcHandle, MakeCallCompleteRequest request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisMCmMakeCallComplete(request.Status.ToStatus(), ndisVcHandle, request.NdisPartyHandle, request.CallMgrPartyContext, request.CallParameters?.ToDomain()).ToHttp(scope))
            .Ndis("NdisMCmMakeCallComplete", "NdisMCmMakeCallComplete — complete a pended ProtocolCmMakeCall.",
                "NDIS calls ProtocolClMakeCallComplete with protocolVcContext, the party handle and the parameters. Success needs an active VC " +
                "(V-CALL-01; auto duties activate it). Pass the handles ProtocolCmMakeCall received: no party for point-to-point, the initial party " +
                "and a callMgrPartyContext for multipoint (V-CALL-02, V-CMP-06, V-PTY-01).");

        mcm.MapPost("/vcs/{ndisVcHandle}/close-call-complete", (string ndisVcHandle, CloseCallCompleteRequest request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisMCmCloseCallComplete(request.Status.ToStatus(), ndisVcHandle, request.NdisPartyHandle).ToHttp(scope))
            .Ndis("NdisMCmCloseCallComplete", "NdisMCmCloseCallComplete — complete a pended ProtocolCmCloseCall.",
                "NDIS calls ProtocolClCloseCallComplete with protocolVcContext (and the last party's protocolPartyContext). The party handle is NULL " +
                "for point-to-point and the last remaining party for multipoint (V-CALL-04). Success needs the VC deactivated first (V-CALL-03; auto " +
                "duties deactivate it, and delete a VC the MCM created). NDIS_STATUS_PENDING is V-CMP-01; without a pended close, V-CMP-02.");

        mcm.MapPost("/parties/{ndisPartyHandle}/add-complete", (string ndisPartyHandle, AddPartyCompleteRequest request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisMCmAddPartyComplete(request.Status.ToStatus(), ndisPartyHandle, request.CallMgrPartyContext, request.CallParameters?.ToDomain()).ToHttp(scope))
            .Ndis("NdisMCmAddPartyComplete", "NdisMCmAddPartyComplete — complete a pended ProtocolCmAddParty.",
                "NDIS calls ProtocolClAddPartyComplete with protocolPartyContext. Success needs a callMgrPartyContext (V-PTY-01); a failure " +
                "invalidates the party handle.");

        mcm.MapPost("/parties/{ndisPartyHandle}/drop-complete", (string ndisPartyHandle, StatusRequest request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisMCmDropPartyComplete(request.Status.ToStatus(), ndisPartyHandle).ToHttp(scope))
            .Ndis("NdisMCmDropPartyComplete", "NdisMCmDropPartyComplete — complete a pended ProtocolCmDropParty.",
                "NDIS calls ProtocolClDropPartyComplete with protocolPartyContext; after success the party handle is dead (V-PTY-06).");

        mcm.MapPost("/vcs/{ndisVcHandle}/qos-complete", (string ndisVcHandle, StatusWithParametersRequest request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisMCmModifyCallQoSComplete(request.Status.ToStatus(), ndisVcHandle, request.CallParameters?.ToDomain()).ToHttp(scope))
            .Ndis("NdisMCmModifyCallQoSComplete", "NdisMCmModifyCallQoSComplete — complete a pended ProtocolCmModifyCallQoS.",
                "NDIS calls ProtocolClModifyCallQoSComplete with the parameters now in force. Success needs the VC re-activated with the new " +
                "parameters first (V-CALL-11; auto duties do it); on failure the previous parameters stay.");

        return app;
    }}
