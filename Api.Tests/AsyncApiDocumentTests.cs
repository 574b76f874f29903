using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace NdisMock.Api.Tests;

/// <summary>
/// The hub's AsyncAPI document: served and committed alike, valid for the AsyncAPI Initiative's own parser, and complete:
/// every event and every hub method in it.
/// </summary>
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

    [Fact]
    public async Task CommittedDocument_ParsesWithNoErrorAndNoWarning_UnderTheAsyncApiParser()
    {
        var folder = Path.Combine(NdisMockApplication.RepositoryRoot, "Api.Tests", "js");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "@asyncapi", "parser")), "Run 'npm ci' in Api.Tests/js first (./test.sh does).");
        var start = new ProcessStartInfo("node", ["validate-asyncapi.mjs", DocumentPath])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var validate = Process.Start(start)!;
        var output = validate.StandardOutput.ReadToEndAsync();
        var errors = validate.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await validate.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            validate.Kill(entireProcessTree: true);
            throw;
        }

        // Each diagnostic is a line of JSON; only the parser's note that AsyncAPI 3.1 exists may remain (the document is 3.0).
        var diagnostics = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => line.StartsWith('{')).Select(line => JsonNode.Parse(line)!).ToList();
        Assert.True(validate.ExitCode == 0, $"{await output}{await errors}");
        Assert.All(diagnostics, d => Assert.Equal("asyncapi-latest-version", (string?)d["code"]));
    }
}
