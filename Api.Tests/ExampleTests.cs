using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace NdisMock.Api.Tests;

/// <summary>Every request example of the OpenAPI document is a body its operation accepts as it stands.</summary>
public sealed class ExampleTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    [Fact]
    public async Task EveryExample_PassesBindingAndValidation_AtItsOperation()
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(NdisMockApplication.RepositoryRoot, "Api", "openapi.json")))!;
        var sandbox = await app.NewSandboxAsync(new { clock = "virtual" });
        var checkedExamples = 0;

        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var media = operation!["requestBody"]?["content"]?["application/json"];
                var examples = media?["examples"]?.AsObject().Select(e => e.Value!["value"]!).ToList() ?? [];
                if (media?["example"] is { } single)
                {
                    examples.Add(single);
                }

                var path = System.Text.RegularExpressions.Regex.Replace(template
                    .Replace("{sandboxId}", sandbox.Id, StringComparison.Ordinal)
                    .Replace("{handler}", "ProtocolCmMakeCall", StringComparison.Ordinal)
                    .Replace("{calledAddress}", "+15550100", StringComparison.Ordinal), "{[a-zA-Z]+}", "x-1");
                foreach (var example in examples)
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), new Uri(path, UriKind.Relative))
                    {
                        Content = new StringContent(example.ToJsonString(), Encoding.UTF8, "application/json"),
                    };
                    request.Headers.Add("X-Sandbox-Key", sandbox.Key);

                    var response = await sandbox.Http.SendAsync(request);

                    Assert.True(response.StatusCode != HttpStatusCode.BadRequest,
                        $"{operation["operationId"]}: its example was refused: {await response.Content.ReadAsStringAsync()}");
                    checkedExamples++;
                }
            }
        }

        Assert.True(checkedExamples >= 30, $"only {checkedExamples} examples found");
    }
}
