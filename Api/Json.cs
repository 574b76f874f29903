using System.Text.Json;
using System.Text.Json.Serialization;
using NdisMock.Domain;

namespace NdisMock.Api;

/// <summary>The JSON conventions of the API: camelCase, enums as case-insensitive strings, nulls omitted.</summary>
internal static class Json
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new FlagsConverter<CallParameterFlags>());
        options.Converters.Add(new FlagsConverter<MediaParameterFlags>());
        // API.md spells these in lower case ("role": "client" | "mcm", duties auto | manual, strictness strict | lenient).
        options.Converters.Add(new JsonStringEnumConverter<Role>(JsonNamingPolicy.CamelCase));
        options.Converters.Add(new JsonStringEnumConverter<McmDuties>(JsonNamingPolicy.CamelCase));
        options.Converters.Add(new JsonStringEnumConverter<Strictness>(JsonNamingPolicy.CamelCase));
        options.Converters.Add(new JsonStringEnumConverter());
    }
}

/// <summary>
/// Reads a [Flags] enum given as a number or as a list of flag names (API.md §7), and writes it as the list of names.
/// </summary>
internal sealed class FlagsConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetUInt32(out var number):
                return Checked(number);
            case JsonTokenType.String:
                return Named(reader.GetString());
            case JsonTokenType.StartArray:
                ulong value = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new JsonException($"{typeof(TEnum).Name} lists flag names as strings.");
                    }

                    value |= Convert.ToUInt64(Named(reader.GetString()), System.Globalization.CultureInfo.InvariantCulture);
                }

                return (TEnum)Enum.ToObject(typeof(TEnum), value);
            default:
                throw new JsonException($"{typeof(TEnum).Name} is a number or a list of flag names ({string.Join(", ", Enum.GetNames<TEnum>())}).");
        }
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        var bits = Convert.ToUInt64(value, System.Globalization.CultureInfo.InvariantCulture);
        writer.WriteStartArray();
        foreach (var flag in Enum.GetValues<TEnum>())
        {
            var flagBits = Convert.ToUInt64(flag, System.Globalization.CultureInfo.InvariantCulture);
            if (flagBits != 0 && (bits & flagBits) == flagBits)
            {
                writer.WriteStringValue(flag.ToString());
            }
        }

        writer.WriteEndArray();
    }

    private static TEnum Checked(uint number)
    {
        ulong known = 0;
        foreach (var flag in Enum.GetValues<TEnum>())
        {
            known |= Convert.ToUInt64(flag, System.Globalization.CultureInfo.InvariantCulture);
        }

        return (number & ~known) == 0
            ? (TEnum)Enum.ToObject(typeof(TEnum), number)
            : throw new JsonException($"{number} sets bits that are not {typeof(TEnum).Name} flags.");
    }

    private static TEnum Named(string? name) =>
        Enum.TryParse<TEnum>(name, ignoreCase: true, out var flag) && Enum.IsDefined(flag)
            ? flag
            : throw new JsonException($"'{name}' is not a {typeof(TEnum).Name} flag ({string.Join(", ", Enum.GetNames<TEnum>())}).");
}
