using Microsoft.OpenApi;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddProblemDetails();
builder.Services.AddEndpointsApiExplorer();
builder.Services.AddSwaggerGen(options =>
{
    options.SwaggerDoc("v1", new OpenApiInfo
    {
        Title = "NdisMock",
        Version = "v1",
        Description = "A mock of NDIS and a miniport call manager (MCM) for connection-oriented (CoNDIS) ATM and ISDN adapters.",
    });
});

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseSwagger();
app.UseSwaggerUI(options => options.DocumentTitle = "NdisMock");

app.MapGet("/health", () => TypedResults.Ok(new HealthResponse("Healthy")))
    .WithName("GetHealth")
    .WithSummary("Liveness: answers while the process serves requests.")
    .WithTags("Health");

app.Run();

/// <summary>The health of the process.</summary>
/// <param name="Status">Always <c>Healthy</c> while the process answers.</param>
internal sealed record HealthResponse(string Status);

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
