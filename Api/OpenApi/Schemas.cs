using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using NdisMock.Api.Contracts;
using NdisMock.Domain;
using NdisMock.Hubs;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace NdisMock.Api.OpenApi;

/// <summary>
/// Schemas that hold the WDK's values: every ULONG admits 0..4294967295 (QOS_NOT_SPECIFIED = 0xFFFFFFFF must be sendable),
/// enums list exactly the names the server reads and writes (<see cref="WireEnum"/>), address families go by their ndis.h
/// names, flags are a number or a list of names.
/// </summary>
internal static class Schemas
{
    public static void Map(SwaggerGenOptions options)
    {
        options.MapType<uint>(ULong);
        options.MapType<uint?>(ULong);
        options.MapType<CallParameterFlags>(() => FlagsSchema<CallParameterFlags>());
        options.MapType<MediaParameterFlags>(() => FlagsSchema<MediaParameterFlags>());
    }

    public static OpenApiSchema ULong() => new() { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0", Maximum = "4294967295" };

    /// <summary>
    /// A reference to a named set. A property that may be absent is not marked nullable: answers leave nulls out and
    /// requests need not send them, so the bare reference is exact, and generated clients type it as the set.
    /// </summary>
    public static IOpenApiSchema SetReference(string set) => new OpenApiSchemaReference(set);

    public static List<JsonNode> Strings(IEnumerable<string> values) => [.. values.Select(v => (JsonNode)JsonValue.Create(v))];

    /// <summary>The flag names of a [Flags] enum, as their own schema (<c>CallParameterFlag</c>, <c>MediaParameterFlag</c>).</summary>
    public static string FlagNameSchema<TEnum>() => typeof(TEnum).Name.TrimEnd('s');

    public static OpenApiSchema FlagNames<TEnum>()
        where TEnum : struct, Enum => new()
        {
            Type = JsonSchemaType.String,
            Enum = Strings(Enum.GetNames<TEnum>().Where(n => n != "None")),
        };

    /// <summary>
    /// A list of flag names, or the number they OR to. The list comes first: generators that take one branch of a oneOf
    /// (NSwag) then read answers, which always carry the list.
    /// </summary>
    private static OpenApiSchema FlagsSchema<TEnum>()
        where TEnum : struct, Enum => new()
        {
            Description = $"A list of flag names ({string.Join(", ", Enum.GetNames<TEnum>().Where(n => n != "None"))}), or the number they OR to. Answers carry the list.",
            OneOf =
            [
                new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchemaReference(FlagNameSchema<TEnum>()) },
                ULong(),
            ],
        };
}

/// <summary>
/// Strings whose values form a closed set get it as an enum: enums by their wire names, NDIS statuses by the catalogue's names
/// (answers) or a name-or-hex pattern (requests, which take either), and the few string properties that hold a name of a set.
/// </summary>
internal sealed class ClosedSetsFilter : ISchemaFilter
{
    /// <summary>
    /// The named sets, each its own schema so that a generated client has one type per set: every event name, the
    /// scriptable handlers, the adapter profiles and the NDIS statuses of the catalogue (NdisStatuses).
    /// </summary>
    public static readonly Dictionary<string, (string Description, string[] Names)> Sets = new()
    {
        ["EventName"] = ("An NDIS function either role calls, a handler NDIS invokes, or a callback it delivers.", Enum.GetNames<EventName>()),
        ["CmHandler"] = ("An MCM handler whose answer a sandbox lets its user script.", Enum.GetNames<CmHandler>()),
        ["AdapterProfileName"] = ("A simulated adapter: ATM OC-3c or 25.6 Mbit/s, ISDN BRI or PRI (T1, E1).", [.. AdapterProfile.All.Select(p => p.Name)]),
        ["NdisStatusName"] = ("An NDIS status of the catalogue, by its ndis.h name.", [.. NdisStatuses.All.Select(s => s.Name)]),
    };

    /// <summary>String properties of the contract that carry a name from one of the sets.</summary>
    private static readonly Dictionary<(Type Type, string Property), string> Properties = new()
    {
        [(typeof(CreateSandboxRequest), "profile")] = "AdapterProfileName",
        [(typeof(AdapterProfile), "name")] = "AdapterProfileName",
        [(typeof(SandboxSummary), "profile")] = "AdapterProfileName",
        [(typeof(BehaviorResponse), "handler")] = "CmHandler",
        [(typeof(PendingOperationResponse), "handler")] = "EventName",
        [(typeof(PendingOperationResponse), "completion")] = "EventName",
        [(typeof(NdisEventMessage), "name")] = "EventName",
        [(typeof(NdisStatus), "name")] = "NdisStatusName",
    };

    /// <summary>A rule id as the catalogue writes them (V-CMP-01, V-QUOTA-02).</summary>
    public const string RuleIdPattern = "^V-[A-Z]+-[0-9]{2}$";

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema concrete)
        {
            return;
        }

        if (context.Type == typeof(AddressFamilyType))
        {
            concrete.Type = JsonSchemaType.String;
            concrete.Format = null;
            concrete.Description = "CO_ADDRESS_FAMILY.AddressFamily by its ndis.h name, as answers and events carry it. Requests may also give " +
                "the short names Q2931 and Tapi, or the ndis.h values 1 and 2048 (0x800).";
            concrete.Enum = Schemas.Strings(AddressFamilyConverter.Names);
            return;
        }

        if (context.Type.IsEnum && concrete.Enum is { Count: > 0 } && !context.Type.IsDefined(typeof(FlagsAttribute)))
        {
            concrete.Type = JsonSchemaType.String;
            concrete.Format = null;
            concrete.Enum = Schemas.Strings(WireEnum.Names(context.Type));
            return;
        }

        if (concrete.Properties is null)
        {
            return;
        }

        foreach (var (name, property) in concrete.Properties.ToList())
        {
            if (property is not OpenApiSchema value || !value.Type.HasValue || !value.Type.Value.HasFlag(JsonSchemaType.String))
            {
                continue;
            }

            var member = context.Type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (Properties.TryGetValue((context.Type, name), out var set))
            {
                concrete.Properties[name] = Schemas.SetReference(set);
            }
            else if (member?.GetCustomAttribute<NdisStatusAttribute>() is not null)
            {
                value.Pattern = "^(NDIS_STATUS_[A-Z0-9_]+|0x[0-9A-Fa-f]{8})$";
                value.Description = (value.Description is null ? "" : value.Description + " ") +
                    "An NDIS status by name (NDIS_STATUS_SUCCESS) or 8-digit hex code (0x00000000), from NdisMock's catalogue of ndis.h statuses.";
            }
            else if (IsAnswer(context.Type) && name is "status" or "failStatus" or "ndisStatus")
            {
                concrete.Properties[name] = Schemas.SetReference("NdisStatusName");
            }
            else if (IsAnswer(context.Type) && (name is "statusCode" || (context.Type == typeof(NdisStatus) && name is "hex")))
            {
                value.Pattern = "^0x[0-9A-F]{8}$";
            }
            else if ((context.Type == typeof(RuleResponse) && name is "id") || (context.Type == typeof(ViolationResponse) && name is "rule"))
            {
                // Not an enum: the catalogue grows, and a client generated before a new rule must still read problems naming it.
                value.Pattern = RuleIdPattern;
            }
            else if (name is "referenceUrl")
            {
                value.Format = "uri";
            }
        }
    }

    public static bool IsAnswer(Type type) => !type.Name.EndsWith("Request", StringComparison.Ordinal) && !type.Name.EndsWith("Body", StringComparison.Ordinal);
}

/// <summary>Adds the schemas of the named sets and of the flag names that other schemas refer to.</summary>
internal sealed class NamedSetsFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        swaggerDoc.Components ??= new OpenApiComponents();
        swaggerDoc.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        swaggerDoc.Components.Schemas[Schemas.FlagNameSchema<CallParameterFlags>()] = Schemas.FlagNames<CallParameterFlags>();
        swaggerDoc.Components.Schemas[Schemas.FlagNameSchema<MediaParameterFlags>()] = Schemas.FlagNames<MediaParameterFlags>();
        foreach (var (name, (description, names)) in ClosedSetsFilter.Sets)
        {
            swaggerDoc.Components.Schemas[name] = new OpenApiSchema { Type = JsonSchemaType.String, Description = description, Enum = Schemas.Strings(names) };
        }
    }
}

/// <summary>
/// In answers, every property the server always writes (non-nullable in C#; nulls are left out) is required, so a
/// generated client's types say which fields are always there.
/// </summary>
internal sealed class RequiredAnswersFilter : ISchemaFilter
{
    private static readonly NullabilityInfoContext Nullability = new();

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema { Properties.Count: > 0 } concrete || !ClosedSetsFilter.IsAnswer(context.Type) || context.Type.IsEnum)
        {
            return;
        }

        foreach (var property in context.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            if (concrete.Properties.ContainsKey(name) && Nullability.Create(property).ReadState == NullabilityState.NotNull)
            {
                concrete.Required ??= new HashSet<string>();
                concrete.Required.Add(name);
            }
        }
    }
}
