using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.Swagger;

namespace NdisMock.Api.OpenApi;

/// <summary>
/// The committed OpenAPI document (Api/openapi.json), written as Swagger serves it: <c>dotnet run --project Api -- openapi</c>.
/// HostingTests fails when the served document and the committed one differ.
/// </summary>
internal static class OpenApiDocumentFile
{
    public static async Task<int> WriteAsync(IServiceProvider services, string path)
    {
        var document = services.GetRequiredService<ISwaggerProvider>().GetSwagger("v1");
        var json = await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_0);
        await File.WriteAllTextAsync(path, Format(json));
        await Console.Out.WriteLineAsync($"Wrote {Path.GetFullPath(path)}");
        return 0;
    }

    /// <summary>The committed layout: indented, one trailing newline.</summary>
    public static string Format(string json) => JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
}
