using System.Net;
using System.Text.Json.Nodes;

namespace NdisMock.Api.Tests;

public sealed class HostingTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    [Fact]
    public async Task Health_AnswersHealthy()
    {
        using var client = app.CreateClient();

        var response = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Healthy", (string?)body["status"]);
    }

    [Fact]
    public async Task SwaggerUi_IsServedAtSwagger()
    {
        using var client = app.CreateClient();

        var response = await client.GetAsync(new Uri("/swagger/index.html", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger-ui", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApiDocument_MatchesTheCommittedOne()
    {
        using var client = app.CreateClient();
        var live = JsonNode.Parse(await client.GetStringAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative)))!;
        var path = Path.Combine(NdisMockApplication.RepositoryRoot, "Api", "openapi.json");

        Assert.True(File.Exists(path), "Api/openapi.json is missing; write it with: dotnet run --project Api -- openapi");
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        Assert.True(JsonNode.DeepEquals(committed, live),
            "The live OpenAPI document differs from Api/openapi.json. Review the change, then rewrite it with: dotnet run --project Api -- openapi");
    }
}
