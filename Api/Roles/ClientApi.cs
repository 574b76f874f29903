using NdisMock.Api.Contracts;
using NdisMock.Api.Sandboxes;
using NdisMock.Domain;

namespace NdisMock.Api.Roles;

/// <summary>The client role: what a CoNDIS client protocol driver calls (NdisCl*, NdisCo*).</summary>
internal static class ClientApi
{
    public static IEndpointRouteBuilder MapClientRole(this IEndpointRouteBuilder app)
    {
        var client = app.MapGroup("/sandboxes/{sandboxId}/client").RequireSandboxKey().WithTags("Client");

        client.MapPost("/address-families", (OpenAddressFamilyRequest request, [AsParameters] SandboxScope scope) =>
            {
                var registered = request.AddressFamily == AddressFamilyType.Tapi ? CoAddressFamily.Tapi : CoAddressFamily.Q2931;
                var family = new CoAddressFamily(request.AddressFamily!.Value, request.MajorVersion ?? registered.MajorVersion, request.MinorVersion ?? registered.MinorVersion);
                return scope.Sandbox.NdisClOpenAddressFamilyEx(family, request.ClientAfContext).ToHttp(scope);
            })
            .Ndis("NdisClOpenAddressFamilyEx", "NdisClOpenAddressFamilyEx — open an address family of the adapter.",
                "NDIS gives the MCM's ProtocolCmOpenAf the new NdisAfHandle. If it answers at once, the call returns its status " +
                "(201 with ndisAfHandle on success) and no callback follows; if it pends (202), NdisMCmOpenAddressFamilyComplete later " +
                "brings ProtocolClOpenAfCompleteEx with clientAfContext. Nothing else may use the handle until the open completes. " +
                "Statuses: NDIS_STATUS_SUCCESS, NDIS_STATUS_PENDING, NDIS_STATUS_FAILURE (family not registered), or what the MCM answers.");

        client.MapDelete("/address-families/{ndisAfHandle}", (string ndisAfHandle, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisClCloseAddressFamily(ndisAfHandle).ToHttp(scope))
            .Ndis("NdisClCloseAddressFamily", "NdisClCloseAddressFamily — close the client's address family.",
                "The handle is dead for the client at once. NDIS calls the MCM's ProtocolCmCloseAf; a pended close is completed with " +
                "NdisMCmCloseAddressFamilyComplete(SUCCESS), which brings ProtocolClCloseAfComplete. NDIS_STATUS_FAILURE (V-AF-06) when the family is " +
                "already closing, or still has SAPs or VCs while the MCM does not pend the close: close calls, deregister SAPs and delete VCs first.");

        client.MapPost("/address-families/{ndisAfHandle}/close-notification/complete", (string ndisAfHandle, StatusRequest request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisClNotifyCloseAddressFamilyComplete(ndisAfHandle, request.Status.ToStatus()).ToHttp(scope))
            .Ndis("NdisClNotifyCloseAddressFamilyComplete", "NdisClNotifyCloseAddressFamilyComplete — finish the client's answer to ProtocolClNotifyCloseAf.",
                "After NdisMCmNotifyCloseAddressFamily the client's ProtocolClNotifyCloseAf pends while it tears everything down and closes the " +
                "family; this completes it, and NDIS calls the MCM's ProtocolCmNotifyCloseAfComplete. The handle may be used here even after the close. " +
                "A status of NDIS_STATUS_PENDING is V-CMP-01; without a pending notification, V-CMP-02.");

        client.MapPost("/address-families/{ndisAfHandle}/saps", (string ndisAfHandle, RegisterSapRequest request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisClRegisterSap(ndisAfHandle, request.ProtocolSapContext, request.Sap.ToDomain()).ToHttp(scope))
            .Ndis("NdisClRegisterSap", "NdisClRegisterSap — ask to be offered incoming calls that match a SAP.",
                "NDIS calls the MCM's ProtocolCmRegisterSap with the new NdisSapHandle. At once: 201 with the handle, or a failure; pended (202): " +
                "NdisMCmRegisterSapComplete brings ProtocolClRegisterSapComplete. Calls may be offered on the SAP while its registration is still pending. " +
                "NDIS_STATUS_INVALID_DATA when the SAP does not fit the family or another client holds it; NDIS_STATUS_FAILURE (V-AF-02) on a family that is not open.");

        client.MapDelete("/saps/{ndisSapHandle}", (string ndisSapHandle, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisClDeregisterSap(ndisSapHandle).ToHttp(scope))
            .Ndis("NdisClDeregisterSap", "NdisClDeregisterSap — stop being offered calls on a SAP.",
                "The handle is dead for the client at once; calls already offered on the SAP are unaffected. NDIS calls ProtocolCmDeregisterSap; " +
                "a pended deregistration completes with NdisMCmDeregisterSapComplete(SUCCESS) and ProtocolClDeregisterSapComplete. " +
                "NDIS_STATUS_FAILURE (V-SAP-03) while its registration or deregistration is still pending.");

        client.MapPost("/address-families/{ndisAfHandle}/vcs", (string ndisAfHandle, CreateVcRequest? request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisCoCreateVc(ndisAfHandle, request?.ProtocolVcContext).ToHttp(scope))
            .Ndis("NdisCoCreateVc", "NdisCoCreateVc — create a VC for an outgoing call.",
                "Synchronous: NDIS calls the MCM's ProtocolCoCreateVc, which must not pend (V-CMP-05), and returns 201 with the ndisVcHandle. " +
                "The VC starts inactive with no call; the client is its creator and the only one who may delete it. " +
                "NDIS_STATUS_FAILURE (V-AF-02) on a family that is not open; otherwise the MCM's status.");

        client.MapDelete("/vcs/{ndisVcHandle}", (string ndisVcHandle, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisCoDeleteVc(ndisVcHandle).ToHttp(scope))
            .Ndis("NdisCoDeleteVc", "NdisCoDeleteVc — delete a VC the client created.",
                "Synchronous: NDIS calls the MCM's ProtocolCoDeleteVc and the handle is dead when this returns. " +
                "NDIS_STATUS_NOT_ACCEPTED while the VC is active (V-VC-05) or still hosts a call (V-VC-07). Deleting a VC the MCM created is V-VC-04 (409).");

        client.MapPost("/vcs/{ndisVcHandle}/call", (string ndisVcHandle, MakeCallRequest? request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisClMakeCall(ndisVcHandle, request?.CallParameters?.ToDomain(), request?.ProtocolPartyContext).ToHttp(scope))
            .Ndis("NdisClMakeCall", "NdisClMakeCall — place an outgoing call on the client's VC.",
                "NDIS calls the MCM's ProtocolCmMakeCall. Pended (the default, 202): the MCM activates the VC and calls NdisMCmMakeCallComplete, " +
                "which brings ProtocolClMakeCallComplete with the final parameters. With protocolPartyContext the call is point-to-multipoint and the " +
                "answer carries the initial ndisPartyHandle. NDIS_STATUS_FAILURE (V-CALL-12) on an MCM-created VC or one that hosts a call; " +
                "NDIS_STATUS_NOT_SUPPORTED for multipoint on ISDN; or the MCM's status (e.g. NDIS_STATUS_CELLRATE_NOT_AVAILABLE).");

        client.MapPost("/vcs/{ndisVcHandle}/call/close", (string ndisVcHandle, CloseCallRequest? request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisClCloseCall(ndisVcHandle, request?.NdisPartyHandle, request?.CloseData).ToHttp(scope))
            .Ndis("NdisClCloseCall", "NdisClCloseCall — tear the call down (also the answer to ProtocolClIncomingCloseCall).",
                "NDIS marks the VC closing and calls the MCM's ProtocolCmCloseCall. Pended (the default, 202): the MCM deactivates the VC and calls " +
                "NdisMCmCloseCallComplete, which brings ProtocolClCloseCallComplete. For a multipoint call name the last remaining party; with more " +
                "than one party left the answer is NDIS_STATUS_FAILURE (V-PTY-04). NDIS_STATUS_INVALID_DATA when closeData is given on a medium " +
                "that cannot carry it; a second close while one is pending is NDIS_STATUS_FAILURE (V-CMP-07).");

        client.MapPost("/vcs/{ndisVcHandle}/call/qos", (string ndisVcHandle, CallParametersBody request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisClModifyCallQoS(ndisVcHandle, request.CallParameters.ToDomain()).ToHttp(scope))
            .Ndis("NdisClModifyCallQoS", "NdisClModifyCallQoS — ask for new call parameters on a connected call.",
                "NDIS calls the MCM's ProtocolCmModifyCallQoS. Pended (the default, 202): the MCM re-activates the VC with the new parameters and " +
                "calls NdisMCmModifyCallQoSComplete, which brings ProtocolClModifyCallQoSComplete; on failure the old parameters stay. " +
                "A second request while one is pending is NDIS_STATUS_FAILURE (V-CMP-07).");

        client.MapPost("/vcs/{ndisVcHandle}/incoming-call/complete", (string ndisVcHandle, IncomingCallCompleteRequest request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisClIncomingCallComplete(request.Status.ToStatus(), ndisVcHandle, request.CallParameters?.ToDomain()).ToHttp(scope))
            .Ndis("NdisClIncomingCallComplete", "NdisClIncomingCallComplete — accept or reject an offered call.",
                "Answers the ProtocolClIncomingCall that NdisMCmDispatchIncomingCall pended. NDIS calls the MCM's ProtocolCmIncomingCallComplete. " +
                "NDIS_STATUS_SUCCESS accepts: the MCM then dispatches ProtocolClCallConnected (or an incoming close). Any other status rejects: " +
                "the MCM deactivates and deletes its VC. NDIS_STATUS_PENDING is V-CMP-01.");

        client.MapPost("/vcs/{ndisVcHandle}/parties", (string ndisVcHandle, AddPartyRequest? request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisClAddParty(ndisVcHandle, request?.ProtocolPartyContext, request?.CallParameters?.ToDomain()).ToHttp(scope))
            .Ndis("NdisClAddParty", "NdisClAddParty — add a party to a connected multipoint call.",
                "NDIS issues the party's ndisPartyHandle and calls the MCM's ProtocolCmAddParty. Pended (the default, 202): NdisMCmAddPartyComplete " +
                "brings ProtocolClAddPartyComplete with protocolPartyContext. On a point-to-point call the answer is NDIS_STATUS_NOT_SUPPORTED (V-PTY-02).");

        client.MapPost("/parties/{ndisPartyHandle}/drop", (string ndisPartyHandle, DropPartyRequest? request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.NdisClDropParty(ndisPartyHandle, request?.CloseData).ToHttp(scope))
            .Ndis("NdisClDropParty", "NdisClDropParty — drop a party that is not the last one.",
                "The party handle is dead for the client at once. NDIS calls ProtocolCmDropParty; pended (the default, 202), NdisMCmDropPartyComplete " +
                "brings ProtocolClDropPartyComplete. The last party leaves only with NdisClCloseCall: dropping it answers NDIS_STATUS_FAILURE (V-PTY-03).");

        return app;
    }}
