using System.Collections.Frozen;
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
        options.Converters.Add(new AddressFamilyConverter());
        options.Converters.Add(new WireEnumConverterFactory());
    }
}

/// <summary>
/// The names enums travel under, and the one strict way they are read: a name of the set, in any case. A
/// number, a comma-joined list ("A,B", which .NET would OR into a third value) or any other text is refused, naming the
/// allowed values. Role, duties and strictness are spelt in lower case, as the README writes them; the rest as declared.
/// </summary>
internal static class WireEnum
{
    private static readonly HashSet<Type> CamelCase = [typeof(Role), typeof(McmDuties), typeof(Strictness)];

    public static string[] Names(Type type) =>
        CamelCase.Contains(type) ? [.. Enum.GetNames(type).Select(JsonNamingPolicy.CamelCase.ConvertName)] : Enum.GetNames(type);

    public static bool TryParse<TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum => EnumNames<TEnum>.TryParse(text, out value);

    /// <summary>What a refused value is told: the value and every allowed name.</summary>
    public static string NotOneOf(Type type, string? text) => $"'{text}' is not one of {string.Join(", ", Names(type))}.";
}

/// <summary>Each value's wire name, computed once per enum: writing a response allocates no name.</summary>
internal static class WireEnum<TEnum>
    where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<TEnum, string> ByValue =
        Enum.GetValues<TEnum>().Zip(WireEnum.Names(typeof(TEnum))).ToFrozenDictionary(pair => pair.First, pair => pair.Second);

    public static string NameOf(TEnum value) => ByValue.TryGetValue(value, out var name) ? name : value.ToString();
}

/// <summary>Writes an enum as its wire name and reads it strictly (<see cref="WireEnum"/>).</summary>
internal sealed class WireEnumConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(WireEnumConverter<>).MakeGenericType(typeToConvert))!;

    private sealed class WireEnumConverter<TEnum> : JsonConverter<TEnum>
        where TEnum : struct, Enum
    {
        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            return WireEnum.TryParse<TEnum>(text, out var value)
                ? value
                : throw new JsonException(WireEnum.NotOneOf(typeof(TEnum), text ?? $"a {reader.TokenType.ToString().ToLowerInvariant()}"));
        }

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
            writer.WriteStringValue(WireEnum<TEnum>.NameOf(value));
    }
}

/// <summary>
/// CO_ADDRESS_FAMILY.AddressFamily by its ndis.h name (<c>CO_ADDRESS_FAMILY_Q2931</c>, <c>CO_ADDRESS_FAMILY_TAPI</c>),
/// which answers and events carry. Requests may also give the short names Q2931 and Tapi, or the ndis.h numbers (1, 0x800 =
/// 2048) as a JSON number or a hex string.
/// </summary>
internal sealed class AddressFamilyConverter : JsonConverter<AddressFamilyType>
{
    public static IReadOnlyList<string> Names { get; } = ["CO_ADDRESS_FAMILY_Q2931", "CO_ADDRESS_FAMILY_TAPI", "Q2931", "Tapi"];

    public static string NameOf(AddressFamilyType family) => family == AddressFamilyType.Tapi ? "CO_ADDRESS_FAMILY_TAPI" : "CO_ADDRESS_FAMILY_Q2931";

    public static bool TryParse(string? text, out AddressFamilyType family)
    {
        family = default;
        if (text is null)
        {
            return false;
        }

        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && uint.TryParse(text.AsSpan(2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var hex))
        {
            return TryFrom(hex, out family);
        }

        var name = text.StartsWith("CO_ADDRESS_FAMILY_", StringComparison.OrdinalIgnoreCase) ? text["CO_ADDRESS_FAMILY_".Length..] : text;
        return WireEnum.TryParse(name, out family);
    }

    public override AddressFamilyType Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetUInt32(out var number) && TryFrom(number, out var byNumber))
        {
            return byNumber;
        }

        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return TryParse(text, out var family)
            ? family
            : throw new JsonException($"'{text ?? (reader.TokenType == JsonTokenType.Number ? reader.GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture) : reader.TokenType.ToString())}' is not an address family this MCM registers: use CO_ADDRESS_FAMILY_Q2931 (0x1) or CO_ADDRESS_FAMILY_TAPI (0x800).");
    }

    public override void Write(Utf8JsonWriter writer, AddressFamilyType value, JsonSerializerOptions options) => writer.WriteStringValue(NameOf(value));

    private static bool TryFrom(uint number, out AddressFamilyType family)
    {
        family = (AddressFamilyType)number;
        return Enum.IsDefined(family);
    }
}

/// <summary>
/// Reads a [Flags] enum given as a number or as a list of flag names, and writes it as the list of names.
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
