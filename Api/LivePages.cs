using Microsoft.Extensions.FileProviders;

namespace NdisMock.Api;

/// <summary>
/// The pages a visitor opens in a browser: <c>/</c> lists what there is (a sandbox's live page by id and key, the operator's list,
/// Swagger UI, the contract documents), <c>/sandbox.html</c> follows one sandbox over the hub. They are static files embedded from
/// <c>wwwroot</c>, public like Swagger UI: the key is entered in the page, and travels only in the URL fragment and in requests.
/// </summary>
internal static class LivePages
{
    public static IApplicationBuilder UseLivePages(this IApplicationBuilder app)
    {
        var files = new EmbeddedFileProvider(typeof(LivePages).Assembly, "NdisMock.Api.wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        return app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
    }
}
