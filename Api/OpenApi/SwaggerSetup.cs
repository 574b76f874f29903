using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using NdisMock.Api.Sandboxes;
using NdisMock.Domain;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace NdisMock.Api.OpenApi;

internal static class SwaggerSetup
{
    public const string SandboxKeyScheme = "SandboxKey";

    private static readonly string[] TagOrder = ["Sandbox", "Client", "MCM", "Observation", "Health"];

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
                    "for its completion. **Observation** shows the journal of calls and callbacks, the violations and the pending requests.",
            });
            options.AddSecurityDefinition(SandboxKeyScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = SandboxAccess.KeyHeader,
                Description = "The key CreateSandbox returned for the sandbox.",
            });
            // Tags in the order a newcomer uses them; operations within a tag by path.
            options.OrderActionsBy(api => $"{Array.IndexOf(TagOrder, api.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Http.Metadata.ITagsMetadata>().FirstOrDefault()?.Tags[0]):D2} {api.RelativePath} {api.HttpMethod}");
            options.OperationFilter<SandboxKeyFilter>();
            options.OperationFilter<ExampleFilter>();
            options.MapType<CallParameterFlags>(() => FlagsSchema<CallParameterFlags>());
            options.MapType<MediaParameterFlags>(() => FlagsSchema<MediaParameterFlags>());
            options.MapType<Role>(() => CamelCaseEnum<Role>());
            options.MapType<McmDuties>(() => CamelCaseEnum<McmDuties>());
            options.MapType<Strictness>(() => CamelCaseEnum<Strictness>());
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

    private static OpenApiSchema CamelCaseEnum<TEnum>()
        where TEnum : struct, Enum => new()
        {
            Type = JsonSchemaType.String,
            Enum = [.. Enum.GetNames<TEnum>().Select(n => (JsonNode)JsonValue.Create(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(n))!)],
        };

    private static OpenApiSchema FlagsSchema<TEnum>()
        where TEnum : struct, Enum => new()
        {
            Description = $"A number, or a list of flag names: {string.Join(", ", Enum.GetNames<TEnum>().Where(n => n != "None"))}.",
            OneOf =
            [
                new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0" },
                new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Items = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        Enum = [.. Enum.GetNames<TEnum>().Where(n => n != "None").Select(n => (JsonNode)JsonValue.Create(n)!)],
                    },
                },
            ],
        };

    /// <summary>Every route under a sandbox needs its key, so Authorize in Swagger UI applies to them.</summary>
    private sealed class SandboxKeyFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (context.ApiDescription.RelativePath?.Contains("{sandboxId}", StringComparison.Ordinal) != true)
            {
                return;
            }

            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(SandboxKeyScheme, context.Document)] = [],
            });
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
