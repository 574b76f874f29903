using NdisMock.Api;
using NdisMock.Api.OpenApi;

if (args is ["healthcheck", ..])
{
    // Docker's HEALTHCHECK: the runtime image has no curl, so the app probes itself.
    return await HealthProbe.RunAsync(Environment.GetEnvironmentVariable("NDISMOCK_HEALTH_URL") ?? "http://localhost:8080/health/ready");
}

var app = NdisMockHost.Build(args);

if (args is ["openapi", ..])
{
    // Writes the OpenAPI document (by default the committed Api/openapi.json) without serving: regenerating the contract needs no test build.
    // The endpoints join the API explorer when the host starts, so start it on a loopback port nobody is told about.
    app.Urls.Add("http://127.0.0.1:0");
    await app.StartAsync();
    var written = await OpenApiDocumentFile.WriteAsync(app.Services, args.Length > 1 ? args[1] : Path.Combine(app.Environment.ContentRootPath, "openapi.json"));
    await app.StopAsync();
    return written;
}

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
