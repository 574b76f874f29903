using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using NdisMock.Api.Sandboxes;
using NdisMock.Domain;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace NdisMock.Api.OpenApi;

/// <summary>
/// The OpenAPI document: what each operation takes (every path parameter, WDK-sized integers, closed sets as enums) and
/// what it can answer, the two keys as security schemes, and tags and operations in the order a CoNDIS flow uses them.
/// </summary>
internal static class SwaggerSetup
{
    public const string SandboxKeyScheme = "SandboxKey";
    public const string OperatorKeyScheme = "OperatorKey";

    public static IServiceCollection AddNdisMockSwagger(this IServiceCollection services) => services
        .AddEndpointsApiExplorer()
        .AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "NdisMock",
                Version = "v1",
                Description =
                    "NDIS plus a scriptable miniport call manager (MCM) for connection-oriented (CoNDIS) ATM and ISDN adapters.\n\n" +
                    "Start with **CreateSandbox**, then **Authorize** with the returned key. Drive the **Client** role (`NdisCl…`, `NdisCo…`) and the " +
                    "**MCM** role (`NdisMCm…`); every call is checked against the WDK's rules. A call the WDK forbids is refused with a problem " +
                    "naming its rule (GET /rules); a call NDIS would fail answers 200 with that NDIS status; a pended call answers 202 and waits " +
                    "for its completion. **Observation** shows the journal of calls and callbacks, the violations and the pending requests.\n\n" +
                    "Operations are listed in the order a flow uses them: open an address family, register a SAP, create a VC, make the call, " +
                    "… close the address family. Each NDIS operation links its page of the WDK reference.\n\n" +
                    "Every journal event is also pushed over the SignalR hub at `/hubs/ndis`, which its AsyncAPI 3.0 document describes: " +
                    "[/asyncapi.json](/asyncapi.json).",
            });
            options.AddServer(new OpenApiServer { Url = "/", Description = "This NdisMock instance" });
            options.AddSecurityDefinition(SandboxKeyScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = SandboxAccess.KeyHeader,
                Description = "The key CreateSandbox returned for the sandbox.",
            });
            options.AddSecurityDefinition(OperatorKeyScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = SandboxAccess.OperatorHeader,
                Description = "The instance operator's key (Operator__Key): lists every sandbox, and may read or delete any of them.",
            });
            options.OrderActionsBy(api => Flow.SortKey(api.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName));
            options.DocumentFilter<TagsFilter>();
            options.DocumentFilter<ProblemSchemaFilter>();
            options.OperationFilter<SecurityFilter>();
            options.OperationFilter<ParametersFilter>();
            options.OperationFilter<ResponsesFilter>();
            options.OperationFilter<WdkPageFilter>();
            options.OperationFilter<ExampleFilter>();
            options.OperationFilter<Reports.ReportXmlFilter>();
            options.SchemaFilter<ClosedSetsFilter>();
            options.SchemaFilter<RequiredAnswersFilter>();
            options.DocumentFilter<NamedSetsFilter>();
            Schemas.Map(options);
            // CO_CALL_PARAMETERS as answers carry it, named so that it does not share a name with the test kit's builders.
            var schemaIds = options.SchemaGeneratorOptions.SchemaIdSelector;
            options.SchemaGeneratorOptions.SchemaIdSelector = type => type == typeof(CallParameters) ? "CoCallParameters" : schemaIds(type);
            options.SupportNonNullableReferenceTypes();
            foreach (var assembly in new[] { "NdisMock.Api", "NdisMock.Domain", "NdisMock.Hubs" })
            {
                var xml = Path.Combine(AppContext.BaseDirectory, assembly + ".xml");
                if (File.Exists(xml))
                {
                    options.IncludeXmlComments(xml);
                }
            }
        });

    /// <summary>Every route under a sandbox needs its key (GetSandbox and DeleteSandbox also take the operator's); ListSandboxes only the operator's.</summary>
    private sealed class SecurityFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            var schemes = new List<string>();
            if (context.ApiDescription.RelativePath?.Contains("{sandboxId}", StringComparison.Ordinal) == true)
            {
                schemes.Add(SandboxKeyScheme);
            }

            if (metadata.Any(m => m is SandboxAccess.OperatorAllowed or SandboxAccess.OperatorRequired))
            {
                schemes.Add(OperatorKeyScheme);
            }

            // Alternatives: any one of the schemes admits the request. An empty list says "no key needed" explicitly.
            operation.Security = [.. schemes.Select(scheme => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] })];
        }
    }

    /// <summary>Each NDIS operation links its page of the WDK reference.</summary>
    private sealed class WdkPageFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (operation.OperationId is { } id && id.StartsWith("Ndis", StringComparison.Ordinal))
            {
                operation.ExternalDocs = new OpenApiExternalDocs { Description = $"{id} in the WDK reference", Url = new Uri(WdkPages.FunctionUrl(id)) };
            }
        }
    }

    /// <summary>Puts a request example on each operation that takes a body, one that works as it stands.</summary>
    private sealed class ExampleFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (operation.OperationId is { } id
                && Examples.Requests.TryGetValue(id, out var example)
                && operation.RequestBody?.Content is { } content
                && content.TryGetValue("application/json", out var json))
            {
                // OpenAPI allows example or examples, not both: named examples, where an operation has them, replace the single one.
                if (Examples.Named.TryGetValue(id, out var named))
                {
                    json.Examples = named.ToDictionary(e => e.Name, e => (IOpenApiExample)new OpenApiExample { Summary = e.Summary, Value = JsonNode.Parse(e.Json) });
                }
                else
                {
                    json.Example = JsonNode.Parse(example);
                }
            }
        }
    }
}
