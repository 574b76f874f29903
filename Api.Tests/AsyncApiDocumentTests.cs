using System.Net;
using System.Text.Json.Nodes;

namespace NdisMock.Api.Tests;

/// <summary>The hub's AsyncAPI document: served, committed, and the same.</summary>
public sealed class AsyncApiDocumentTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    private static readonly string DocumentPath = Path.Combine(NdisMockApplication.RepositoryRoot, "Api", "asyncapi.json");

    [Fact]
    public async Task AsyncApiDocument_IsServed_AndMatchesTheCommittedOne()
    {
        using var client = app.CreateClient();
        var response = await client.GetAsync(new Uri("/asyncapi.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var live = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.True(File.Exists(DocumentPath), "Api/asyncapi.json is missing; write it with: dotnet run --project Api -- asyncapi");
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(DocumentPath))!;
        Assert.True(JsonNode.DeepEquals(committed, live),
            "The live AsyncAPI document differs from Api/asyncapi.json. Review the change, then rewrite it with: dotnet run --project Api -- asyncapi");
    }

    [Fact]
    public async Task AsyncApiDocument_IsNotAnOperationOfTheOpenApiDocument()
    {
        using var client = app.CreateClient();
        var openApi = JsonNode.Parse(await client.GetStringAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative)))!;

        Assert.False(openApi["paths"]!.AsObject().ContainsKey("/asyncapi.json"));
    }
}
