using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.Swagger;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace NdisMock.Api.AsyncApi;

/// <summary>
/// The JSON Schemas of the hub's payloads, from the same source as the OpenAPI document: Swashbuckle's schema generator
/// with the document's filters (closed sets, WDK integers, required answers, XML docs), and the document's own components
/// for the named sets its document filters add. Each schema is then rewritten from OpenAPI 3.0 into an AsyncAPI schema.
/// </summary>
internal sealed class HubSchemas(ISwaggerProvider swagger, ISchemaGenerator generator)
{
    private const string ComponentPrefix = "#/components/schemas/";
    private static readonly NullabilityInfoContext Nullability = new();
    private readonly SchemaRepository _repository = new();

    /// <summary>The schema of a payload: a reference for the contract's types, inline for a string or a number.</summary>
    public Task<JsonNode> PayloadAsync(Type type) => ConvertAsync(generator.GenerateSchema(type, _repository));

    /// <summary>
    /// The schema of one argument of an invocation. Arguments travel in an array, where a null is written, not left out:
    /// an argument that may be null says so.
    /// </summary>
    public async Task<JsonNode> ArgumentAsync(ParameterInfo parameter)
    {
        var schema = await PayloadAsync(parameter.ParameterType);
        if (Nullability.Create(parameter).ReadState == NullabilityState.Nullable)
        {
            schema = new JsonObject { ["oneOf"] = new JsonArray(schema, new JsonObject { ["type"] = "null" }) };
        }

        return schema;
    }

    /// <summary>
    /// Every schema the payloads refer to, directly or not, sorted by name: the OpenAPI document's where it has them (one
    /// source for REST and hub), else the generator's (SubscriptionInfo, SubscriptionEndedMessage: hub-only types).
    /// </summary>
    public async Task<JsonObject> ComponentsAsync(IEnumerable<JsonNode> payloads)
    {
        var document = swagger.GetSwagger("v1").Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>();
        var found = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        var pending = new Queue<string>(payloads.SelectMany(References));
        while (pending.TryDequeue(out var name))
        {
            if (found.ContainsKey(name))
            {
                continue;
            }

            var source = document.TryGetValue(name, out var shared) ? shared
                : _repository.Schemas.TryGetValue(name, out var own) ? own
                : throw new InvalidOperationException($"No schema named {name} for the AsyncAPI document.");
            var schema = await ConvertAsync(source);
            found[name] = schema;
            foreach (var reference in References(schema))
            {
                pending.Enqueue(reference);
            }
        }

        var components = new JsonObject();
        foreach (var (name, schema) in found)
        {
            components[name] = schema;
        }

        return components;
    }

    private static async Task<JsonNode> ConvertAsync(IOpenApiSchema schema) =>
        FromOpenApi30(JsonNode.Parse(await schema.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_0))!);

    /// <summary>
    /// An OpenAPI 3.0 schema as an AsyncAPI schema (a superset of JSON Schema draft 7). <c>nullable</c> has no JSON Schema
    /// meaning and goes: the hub's JSON leaves null values out, as the REST API does, so a property that may have no value is
    /// simply not required. <c>example</c> becomes <c>examples</c>. References keep their path, <c>#/components/schemas/…</c>,
    /// which is the same in both documents.
    /// </summary>
    private static JsonNode FromOpenApi30(JsonNode node)
    {
        switch (node)
        {
            case JsonObject schema:
                var converted = new JsonObject();
                foreach (var (key, value) in schema)
                {
                    switch (key)
                    {
                        case "nullable":
                            break;
                        case "example":
                            converted["examples"] = new JsonArray(value?.DeepClone());
                            break;
                        case "properties":
                            var properties = new JsonObject();
                            foreach (var (name, property) in value!.AsObject())
                            {
                                properties[name] = FromOpenApi30(property!);
                            }

                            converted[key] = properties;
                            break;
                        case "enum" or "required":
                            converted[key] = value?.DeepClone();
                            break;
                        default:
                            converted[key] = value is null ? null : FromOpenApi30(value);
                            break;
                    }
                }

                return converted;
            case JsonArray items:
                return new JsonArray([.. items.Select(item => item is null ? null : FromOpenApi30(item))]);
            default:
                return node.DeepClone();
        }
    }

    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        JsonObject schema => schema.SelectMany(p => p.Key == "$ref" && ((string?)p.Value)?.StartsWith(ComponentPrefix, StringComparison.Ordinal) == true
            ? [((string)p.Value!)[ComponentPrefix.Length..]]
            : References(p.Value)),
        JsonArray items => items.SelectMany(References),
        _ => [],
    };
}
