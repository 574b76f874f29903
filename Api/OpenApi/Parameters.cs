using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace NdisMock.Api.OpenApi;

/// <summary>
/// Describes every parameter by its name, once for all operations: what it holds, where its value comes from, and an
/// example of its shape. Parameters whose values form a closed set list them.
/// </summary>
internal sealed class ParametersFilter : IOperationFilter
{
    private static readonly Dictionary<string, (string Description, string Example)> Known = new()
    {
        ["sandboxId"] = ("The id CreateSandbox returned.", "sbx-3f9c2a71d04e8b65"),
        ["ndisAfHandle"] = ("The NdisAfHandle NdisClOpenAddressFamilyEx returned.", "af-k3x9m2pq-1"),
        ["ndisSapHandle"] = ("The NdisSapHandle NdisClRegisterSap returned.", "sap-k3x9m2pq-1"),
        ["ndisVcHandle"] = ("The NdisVcHandle NdisCoCreateVc or NdisMCmCreateVc returned.", "vc-k3x9m2pq-1"),
        ["ndisPartyHandle"] = ("The NdisPartyHandle NdisClMakeCall (multipoint) or NdisClAddParty returned.", "party-k3x9m2pq-1"),
        ["pendingOperationId"] = ("The pendingOperationId of a 202 answer (also in ListPendingOperations).", "op-k3x9m2pq-1"),
        ["handler"] = ("The MCM handler to script.", "ProtocolCmMakeCall"),
        ["calledAddress"] = ("The called party: an ATM address (q2931.calledParty.address) or an ISDN number (tapi.destAddress).", "+15550100"),
        ["ruleId"] = ("A rule id of the catalogue, as problems and violations name it.", "V-CMP-01"),
        ["after"] = ("Only what follows this journal sequence; 0 for everything kept.", "0"),
        ["limit"] = ("At most this many events.", "1000"),
        ["wait"] = ("Wait up to this long (hh:mm:ss, at most 00:00:30) for a first matching event.", "00:00:10"),
        ["name"] = ("Only events of this name: an NDIS function, handler or callback.", "ProtocolClCloseCallComplete"),
        ["clientAfContext"] = ("Only events carrying this ClientAfContext, the client's context of an address family (given to NdisClOpenAddressFamilyEx).", "my-af"),
        ["protocolSapContext"] = ("Only events carrying this ProtocolSapContext, the client's context of a SAP (given to NdisClRegisterSap).", "my-sap"),
        ["protocolVcContext"] = ("Only events carrying this ProtocolVcContext, the client's context of a VC (given to NdisCoCreateVc): it finds the callbacks that carry no VC handle, such as ProtocolClCloseCallComplete.", "my-vc"),
        ["protocolPartyContext"] = ("Only events carrying this ProtocolPartyContext, the client's context of a party (given to NdisClMakeCall or NdisClAddParty).", "my-party"),
    };

    // A handle or id named in the query filters the journal by it; in a path it addresses the object.
    private static readonly Dictionary<string, string> AsEventFilter = new()
    {
        ["ndisAfHandle"] = "Only events carrying this NdisAfHandle.",
        ["ndisSapHandle"] = "Only events carrying this NdisSapHandle.",
        ["ndisVcHandle"] = "Only events carrying this NdisVcHandle. Callbacks that carry only the client's context, such as ProtocolClCloseCallComplete, are found by protocolVcContext.",
        ["ndisPartyHandle"] = "Only events carrying this NdisPartyHandle.",
        ["pendingOperationId"] = "Only events of this pending request: the handler that pended it, its completion and the callback reporting it.",
    };

    /// <summary>The cursor and page size of a paged read other than GetEvents (whose after is a journal sequence).</summary>
    private static string? PageParameter(string? operationId, string name) => (operationId, name) switch
    {
        ("GetEvents", _) => null,
        ("GetViolations", "after") => "Only violations after this sequence; 0 for all kept. Continue with the nextAfter of the answer.",
        ("GetSandbox", "after") => "The VC handle to read on after: the nextAfter of the previous page (VCs then come in the order they were created).",
        ("ListPendingOperations", "after") => "The pendingOperationId to read on after: the last one of the previous page (then in the order they were issued).",
        ("ListRoutes", "after") => "The called address to read on after: the nextAfter of the previous page (routes are in address order).",
        ("GetSandbox", "limit") => $"At most this many VCs (with their calls and parties) and pending requests, 1 to {Contracts.Paging.MaxLimit}, {Contracts.Paging.DefaultSnapshotLimit} by default; an answer with more VCs says where to go on.",
        (_, "limit") => $"At most this many items (VCs, pending requests, routes or violations), 1 to {Contracts.Paging.MaxLimit}; an answer with more says where to go on.",
        _ => null,
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        // Path parameters in the order the path names them (sandboxId first), then the query's: a generated client's
        // method takes them in that order.
        if (operation.Parameters is { Count: > 1 } all)
        {
            var path = context.ApiDescription.RelativePath ?? "";
            var ordered = all.OrderBy(p => p.In == ParameterLocation.Path ? path.IndexOf("{" + p.Name + "}", StringComparison.Ordinal) : int.MaxValue).ToList();
            all.Clear();
            foreach (var parameter in ordered)
            {
                all.Add(parameter);
            }
        }

        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.Name is null)
            {
                continue;
            }

            if (parameter.Name is "after" or "limit" && PageParameter(operation.OperationId, parameter.Name) is { } page)
            {
                parameter.Description = page;
            }
            else if (Known.TryGetValue(parameter.Name, out var known))
            {
                parameter.Description = parameter.In == ParameterLocation.Query && AsEventFilter.TryGetValue(parameter.Name, out var filter)
                    ? filter
                    : known.Description;

                // Swagger UI fills each box with its parameter's example: right for a path, where every box must be filled,
                // wrong for an optional query filter, which would then hide what the visitor came to see.
                if (parameter.In == ParameterLocation.Path)
                {
                    parameter.Example = known.Example;
                }
                else
                {
                    parameter.Description += $" For example {known.Example}.";
                }
            }

            if (parameter.Schema is not OpenApiSchema schema)
            {
                continue;
            }

            switch (parameter.Name)
            {
                case "handler":
                    parameter.Schema = Schemas.SetReference("CmHandler");
                    break;
                case "name" when parameter.In == ParameterLocation.Query:
                    parameter.Schema = Schemas.SetReference("EventName");
                    break;
                case "wait":
                    schema.Format = null;
                    schema.Pattern = @"^(\d+\.)?\d{1,2}:\d{2}:\d{2}(\.\d{1,7})?$";
                    break;
                case "after":
                    // [Range(0, long.MaxValue)] comes out as a rounded double; the bound is the type's anyway.
                    schema.Maximum = null;
                    break;
                default:
                    break;
            }
        }
    }
}
