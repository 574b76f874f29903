using System.Text.Json;
using System.Text.Json.Serialization;

namespace NdisMock.Client;

/// <summary>The generated client, with the API's JSON conventions.</summary>
public partial class NdisMockClient
{
    /// <summary>
    /// NSwag puts a string-enum converter on enum properties but not on arrays of enums (the flags lists), and
    /// writes unset optional properties as null; the API reads enums as names and wants absent fields left out.
    /// </summary>
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings)
    {
        settings.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        settings.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        settings.Converters.Add(new JsonStringEnumConverter());
    }
}
