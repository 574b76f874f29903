using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace NdisMock.Api.OpenApi;

/// <summary>
/// The order Swagger UI teaches in: tags as a newcomer meets them, and within each tag the operations in the order a CoNDIS
/// flow uses them (docs/flows.md): open the address family, register a SAP, create a VC, make the call, … close the family;
/// the control plane in create → use → delete order. Operations that share a path stay together, as OpenAPI keys them by path.
/// </summary>
internal static class Flow
{
    public static readonly (string Name, string Description)[] Tags =
    [
        ("Sandbox", "Start here. A sandbox is one simulated adapter with its MCM: create it, script how its MCM answers (behaviors), " +
            "the remote network (routes) and its clock, read it whole, reset or delete it."),
        ("Client", "What a CoNDIS client protocol driver calls (NdisCl…, NdisCo…), in the order of a call's life: open an address family, " +
            "register a SAP, create a VC, make the call, change its QoS, add and drop parties, close the call, delete the VC, close the family."),
        ("MCM", "What the miniport call manager calls (NdisMCm…): complete the requests its handlers pended (or CompletePendingOperation " +
            "for any of them), and play the network — incoming calls, remote close, remote drop, QoS change."),
        ("Observation", "What happened and what waits: the journal of calls, handlers and callbacks (also pushed over SignalR at /hubs/ndis), " +
            "the verifier's findings, the pending requests, and the rule catalogue that problem responses point to."),
    ];

    private static readonly string[] Operations =
    [
        "CreateSandbox", "ListSandboxes", "GetSandbox", "DeleteSandbox", "GetBehaviors", "SetBehavior", "ListRoutes", "SetRoute", "DeleteRoute",
        "AdvanceClock", "ResetSandbox",

        "NdisClOpenAddressFamilyEx", "NdisClRegisterSap", "NdisCoCreateVc", "NdisClMakeCall", "NdisClModifyCallQoS", "NdisClAddParty",
        "NdisClDropParty", "NdisClIncomingCallComplete", "NdisClCloseCall", "NdisCoDeleteVc", "NdisClDeregisterSap",
        "NdisClNotifyCloseAddressFamilyComplete", "NdisClCloseAddressFamily",

        "NdisMCmOpenAddressFamilyComplete", "NdisMCmRegisterSapComplete", "NdisMCmCreateVc", "NdisMCmActivateVc", "NdisMCmMakeCallComplete",
        "CompletePendingOperation", "NdisMCmDispatchIncomingCall", "NdisMCmDispatchCallConnected", "NdisMCmModifyCallQoSComplete",
        "NdisMCmDispatchIncomingCallQoSChange", "NdisMCmAddPartyComplete", "NdisMCmDropPartyComplete", "NdisMCmDispatchIncomingDropParty",
        "NdisMCmDispatchIncomingCloseCall", "NdisMCmCloseCallComplete", "NdisMCmDeactivateVc", "NdisMCmDeleteVc", "NdisMCmDeregisterSapComplete",
        "NdisMCmNotifyCloseAddressFamily", "NdisMCmCloseAddressFamilyComplete",

        "GetEvents", "GetViolations", "GetSequenceDiagram", "GetReport", "ListPendingOperations", "GetPendingOperation", "ListRules", "GetRule",
    ];

    /// <summary>Where an operation goes: its place in the flow; operations not listed come last, by name.</summary>
    public static string SortKey(string? operationId)
    {
        var index = operationId is null ? -1 : Array.IndexOf(Operations, operationId);
        return index >= 0 ? $"{index:D3}" : $"999 {operationId}";
    }
}

/// <summary>Declares the tags, with descriptions, in <see cref="Flow.Tags"/> order.</summary>
internal sealed class TagsFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context) =>
        swaggerDoc.Tags = new HashSet<OpenApiTag>(Flow.Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
}
