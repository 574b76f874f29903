using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using NdisMock.Domain;
using NdisMock.Hubs;

namespace NdisMock.Api.Tests;

/// <summary>
/// The hub's AsyncAPI document: served and committed alike, valid for the AsyncAPI Initiative's own parser, and complete:
/// every event and every hub method in it.
/// </summary>
public sealed class AsyncApiDocumentTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    private static readonly string DocumentPath = Path.Combine(NdisMockApplication.RepositoryRoot, "Api", "asyncapi.json");

    private static JsonNode Document => JsonNode.Parse(File.ReadAllText(DocumentPath))!;

    /// <summary>What a client may invoke: the hub's own public methods (not Hub's, not the overrides of its callbacks).</summary>
    private static IEnumerable<MethodInfo> HubMethods =>
        typeof(NdisHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType == typeof(NdisHub));

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
        Node.Require("@asyncapi/parser");

        var (exitCode, output, errors) = await Node.RunAsync(["validate-asyncapi.mjs", DocumentPath]);

        // Each diagnostic is a line of JSON; only the parser's note that AsyncAPI 3.1 exists may remain (the document is 3.0).
        var diagnostics = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => line.StartsWith('{')).Select(line => JsonNode.Parse(line)!).ToList();
        Assert.True(exitCode == 0, $"{output}{errors}");
        Assert.All(diagnostics, d => Assert.Equal("asyncapi-latest-version", (string?)d["code"]));
    }

    [Fact]
    public void EveryEventName_IsAReceiveOperation_WhoseMessageIsNamedAfterIt_AndCarriesTheEvent()
    {
        var document = Document;
        foreach (var name in Enum.GetNames<EventName>())
        {
            var operation = document["operations"]?[name];
            Assert.True(operation is not null, $"no operation {name}");
            Assert.Equal("receive", (string?)operation["action"]);
            var message = Message(document, operation);
            Assert.Equal(name, (string?)message["name"]);
            Assert.Equal("#/components/schemas/NdisEventMessage", (string?)message["payload"]?["$ref"]);
        }
    }

    [Fact]
    public void EveryClientMethod_IsAReceiveOperation_AndEveryHubMethod_ASendOperation_AndNothingElse()
    {
        var document = Document;
        var clientMethods = typeof(INdisClient).GetMethods().Select(m => m.Name).ToList();
        var hubMethods = HubMethods.ToList();
        Assert.Contains(hubMethods, m => m.Name == nameof(NdisHub.Subscribe));
        Assert.Contains(hubMethods, m => m.Name == nameof(NdisHub.Unsubscribe));

        foreach (var name in clientMethods)
        {
            Assert.Equal("receive", (string?)document["operations"]?[name]?["action"]);
            Assert.Equal(name, (string?)Message(document, document["operations"]![name]!)["name"]);
        }

        foreach (var method in hubMethods)
        {
            var operation = document["operations"]?[method.Name];
            Assert.True(operation is not null, $"no operation {method.Name}");
            Assert.Equal("send", (string?)operation["action"]);
            var message = Message(document, operation);
            Assert.Equal(method.Name, (string?)message["name"]);

            // The payload is the invocation's arguments array: one item per parameter, in order, named after it.
            var payload = message["payload"]!;
            Assert.Equal("array", (string?)payload["type"]);
            Assert.Equal(method.GetParameters().Select(p => p.Name), payload["items"]!.AsArray().Select(i => (string?)i!["title"]));
            Assert.Equal(method.GetParameters().Length, (int)payload["minItems"]!);
            Assert.Equal(method.GetParameters().Length, (int)payload["maxItems"]!);
            Assert.NotNull(operation["reply"]?["messages"]?[0]);
        }

        Assert.Equal(clientMethods.Concat(hubMethods.Select(m => m.Name)).Order(), document["operations"]!.AsObject().Select(o => o.Key).Order());
    }

    [Fact]
    public void SubscribesReply_CarriesSubscriptionInfo_AndSubscriptionEnded_ItsMessage()
    {
        var document = Document;

        var reply = document["operations"]!["Subscribe"]!["reply"]!["messages"]![0]!;
        Assert.Equal("#/components/schemas/SubscriptionInfo", (string?)Resolve(document, reply)["payload"]?["$ref"]);
        Assert.Equal("#/components/schemas/SubscriptionEndedMessage", (string?)Message(document, document["operations"]!["SubscriptionEnded"]!)["payload"]?["$ref"]);
        Assert.Equal(["lastSequence", "oldestSequenceKept", "sandboxId"], document["components"]!["schemas"]!["SubscriptionInfo"]!["required"]!.AsArray().Select(r => (string?)r));
    }

    /// <summary>One source: a schema the OpenAPI document has too is its schema, less OpenAPI 3.0's nullable (the hub leaves nulls out).</summary>
    [Fact]
    public void PayloadSchemas_AreTheOpenApiDocumentsSchemas()
    {
        var openApi = JsonNode.Parse(File.ReadAllText(Path.Combine(NdisMockApplication.RepositoryRoot, "Api", "openapi.json")))!["components"]!["schemas"]!.AsObject();
        var schemas = Document["components"]!["schemas"]!.AsObject();
        Assert.Contains("NdisEventMessage", schemas.Select(s => s.Key));
        Assert.Contains("EventName", schemas.Select(s => s.Key));

        foreach (var (name, schema) in schemas.Where(s => openApi.ContainsKey(s.Key)))
        {
            Assert.True(JsonNode.DeepEquals(WithoutNullable(openApi[name]!), schema), $"{name} differs from the OpenAPI document's");
        }

        Assert.DoesNotContain("nullable", schemas.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(Enum.GetNames<EventName>(), schemas["EventName"]!["enum"]!.AsArray().Select(n => (string?)n));
    }

    private static JsonNode Message(JsonNode document, JsonNode operation)
    {
        var messages = operation["messages"]!.AsArray();
        Assert.Single(messages);
        return Resolve(document, messages[0]!);
    }

    /// <summary>Follows $refs (operation → channel message → component message) to the object.</summary>
    private static JsonNode Resolve(JsonNode document, JsonNode node)
    {
        while ((string?)node["$ref"] is { } reference)
        {
            Assert.StartsWith("#/", reference, StringComparison.Ordinal);
            node = reference[2..].Split('/').Aggregate(document, (n, segment) => n[segment] ?? throw new KeyNotFoundException(reference));
        }

        return node;
    }

    private static JsonNode WithoutNullable(JsonNode node)
    {
        var copy = node.DeepClone();
        foreach (var schema in copy["properties"]?.AsObject().Select(p => p.Value).OfType<JsonObject>() ?? [])
        {
            schema.Remove("nullable");
        }

        (copy as JsonObject)?.Remove("nullable");
        return copy;
    }
}
