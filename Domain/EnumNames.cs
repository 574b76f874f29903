using System.Collections.Frozen;

namespace NdisMock.Domain;

/// <summary>
/// The one strict way a name of an enum is read: a declared name, in any case. Numbers and comma-joined
/// names (which <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/> would OR into another value) are not names.
/// Built once per enum, so reading allocates nothing.
/// </summary>
public static class EnumNames<TEnum>
    where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<string, TEnum> ByName =
        Enum.GetValues<TEnum>().ToFrozenDictionary(value => value.ToString(), StringComparer.OrdinalIgnoreCase);

    public static bool TryParse(string? text, out TEnum value)
    {
        if (text is not null && ByName.TryGetValue(text, out value))
        {
            return true;
        }

        value = default;
        return false;
    }
}
