using NdisMock.Api;
using NdisMock.Api.AsyncApi;
using NdisMock.Api.Observation;
using NdisMock.Api.OpenApi;
using NdisMock.Api.Roles;
using NdisMock.Api.Sandboxes;
using Microsoft.Extensions.Options;
using NdisMock.Hubs;
using OpenTelemetry.Metrics;

if (args is ["healthcheck", ..])
{
    // Docker's HEALTHCHECK: the runtime image has no curl, so the app probes itself.
    return await HealthProbe.RunAsync(Environment.GetEnvironmentVariable("NDISMOCK_HEALTH_URL") ?? "http://localhost:8080/health/ready");
}

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddOptions<SandboxHostingOptions>()
    .BindConfiguration(SandboxHostingOptions.Section)
    .ValidateDataAnnotations()
    .ValidateOnStart();
builder.Services.AddOptions<OperatorOptions>().BindConfiguration(OperatorOptions.Section);
builder.Services.AddSingleton<SandboxStore>();
builder.Services.AddSingleton<ISandboxDirectory>(services => services.GetRequiredService<SandboxStore>());
builder.Services.AddNdisHub(Json.Configure);
builder.Services.ConfigureHttpJsonOptions(options => Json.Configure(options.SerializerOptions));
builder.Services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(options => Json.Configure(options.JsonSerializerOptions));
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.Services.AddValidation();
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<BadRequests>();
builder.Services.AddNdisMockSwagger();
builder.Services.AddHealthChecks().AddCheck<SandboxStoreHealthCheck>("sandboxes", tags: ["ready"]);
builder.Services.AddSingleton<NdisMetrics>();
builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
    .Configure<IOptions<SandboxHostingOptions>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodySize);
if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
{
    builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
        .AddMeter(NdisMetrics.MeterName)
        .AddAspNetCoreInstrumentation()
        .AddOtlpExporter());
}

var app = builder.Build();

app.UseExceptionHandler(new ExceptionHandlerOptions
{
    // A request the framework could not read is the caller's mistake, answered with a 400 problem: not an error to log.
    SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
});
app.UseStatusCodePages();
app.UseRequestBodyLimit();
app.UseRouting();
app.Services.GetRequiredService<NdisMetrics>().Count(app);
app.UseSandboxKeys();
app.UseSwagger();
app.UseSwaggerUI(options =>
{
    options.DocumentTitle = "NdisMock";
    options.SwaggerEndpoint("/swagger/v1/swagger.json", "NdisMock v1");
    // A reload keeps the keys entered in Authorize; operations stay in the document's (flow) order.
    options.EnablePersistAuthorization();
    options.DisplayOperationId();
});

// The root leads to what a visitor can use: Swagger UI.
app.MapGet("/", () => TypedResults.Redirect("/swagger")).ExcludeFromDescription();

app.MapHealth();
app.MapSandboxes();
app.MapClientRole();
app.MapMcmRole();
app.MapObservation();
app.MapNdisHub();
app.MapAsyncApiDocument();

if (args is [("openapi" or "asyncapi") and var document, ..])
{
    // Writes the OpenAPI or the hub's AsyncAPI document (by default the committed Api/openapi.json, Api/asyncapi.json) without serving: regenerating the contract needs no test build.
    // The endpoints join the API explorer when the host starts, so start it on a loopback port nobody is told about.
    app.Urls.Add("http://127.0.0.1:0");
    await app.StartAsync();
    var path = args.Length > 1 ? args[1] : Path.Combine(app.Environment.ContentRootPath, document + ".json");
    var written = document == "openapi" ? await OpenApiDocumentFile.WriteAsync(app.Services, path) : await AsyncApiDocumentFile.WriteAsync(app.Services, path);
    await app.StopAsync();
    return written;
}

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
