using NdisMock.Api;
using NdisMock.Api.AsyncApi;
using NdisMock.Api.OpenApi;

if (args is ["healthcheck", ..])
{
    // Docker's HEALTHCHECK: the runtime image has no curl, so the app probes itself.
    return await HealthProbe.RunAsync(Environment.GetEnvironmentVariable("NDISMOCK_HEALTH_URL") ?? "http://localhost:8080/health/ready");
}

var app = NdisMockHost.Build(args);

if (args is [("openapi" or "asyncapi") and var document, ..])
{
    // Writes the OpenAPI document (Api/openapi.json) or the hub's AsyncAPI document (Api/asyncapi.json) without serving:
    // regenerating a contract needs no test build. The endpoints join the API explorer when the host starts, so start it
    // on a loopback port nobody is told about.
    app.Urls.Add("http://127.0.0.1:0");
    await app.StartAsync();
    var path = args.Length > 1 ? args[1] : Path.Combine(app.Environment.ContentRootPath, document + ".json");
    var written = document == "openapi"
        ? await OpenApiDocumentFile.WriteAsync(app.Services, path)
        : await AsyncApiDocumentFile.WriteAsync(app.Services, path);
    await app.StopAsync();
    return written;
}

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
