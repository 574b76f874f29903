using NdisMock.Api.OpenApi;

namespace NdisMock.Api.AsyncApi;

/// <summary>
/// The committed AsyncAPI document of the hub (Api/asyncapi.json), written as <c>GET /asyncapi.json</c> serves it:
/// <c>dotnet run --project Api -- asyncapi</c>. AsyncApiDocumentTests fails when the served document and the committed one differ.
/// </summary>
internal static class AsyncApiDocumentFile
{
    public const string Route = "/asyncapi.json";

    public static async Task<int> WriteAsync(IServiceProvider services, string path)
    {
        await File.WriteAllTextAsync(path, await TextAsync(services));
        await Console.Out.WriteLineAsync($"Wrote {Path.GetFullPath(path)}");
        return 0;
    }

    public static IEndpointRouteBuilder MapAsyncApiDocument(this IEndpointRouteBuilder app)
    {
        app.MapGet(Route, async (IServiceProvider services) => TypedResults.Text(await TextAsync(services), "application/json"))
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>In the OpenAPI document's layout: indented, one trailing newline.</summary>
    private static async Task<string> TextAsync(IServiceProvider services) =>
        OpenApiDocumentFile.Format((await AsyncApiDocument.BuildAsync(services)).ToJsonString());
}
