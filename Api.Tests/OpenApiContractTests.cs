using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NdisMock.Api.Tests;

/// <summary>
/// The published contract as its users consume it: the committed document (which HostingTests keeps equal to the live one)
/// linted by Redocly CLI, its path parameters, integers and enums checked against what the server really takes.
/// </summary>
public sealed partial class OpenApiContractTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    private static readonly string DocumentPath = Path.Combine(NdisMockApplication.RepositoryRoot, "Api", "openapi.json");
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private static JsonNode Document => JsonNode.Parse(File.ReadAllText(DocumentPath))!;

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations() =>
        from path in Document["paths"]!.AsObject()
        from method in path.Value!.AsObject()
        where Methods.Contains(method.Key)
        select (path.Key, method.Key, method.Value!.AsObject());

    [Fact]
    public async Task CommittedDocument_LintsWithNoErrorAndNoWarning_UnderRedoclysRecommendedRules()
    {
        Node.Require("@redocly/cli");
        var cli = Path.Combine(Node.Folder, "node_modules", "@redocly", "cli", "bin", "cli.js");

        var (exitCode, output, errors) = await Node.RunAsync([cli, "lint", "Api/openapi.json", "--format=json"],
            new Dictionary<string, string> { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true" }, NdisMockApplication.RepositoryRoot);

        var report = JsonNode.Parse(output)!;
        var problems = string.Join("\n", report["problems"]!.AsArray().Select(p => $"{p!["severity"]} {p["ruleId"]}: {p["message"]} at {p["location"]?[0]?["pointer"]}"));
        Assert.True((int)report["totals"]!["errors"]! == 0 && (int)report["totals"]!["warnings"]! == 0, problems + errors);
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public void EveryOperation_DeclaresEachPathParameter_WithADescriptionAndAnExample()
    {
        foreach (var (path, method, operation) in Operations())
        {
            var declared = operation["parameters"]?.AsArray().Where(p => (string?)p!["in"] == "path").ToDictionary(p => (string)p!["name"]!, p => p!) ?? [];
            foreach (Match placeholder in Placeholder().Matches(path))
            {
                var name = placeholder.Groups[1].Value;
                Assert.True(declared.TryGetValue(name, out var parameter), $"{method} {path} does not declare {name}");
                Assert.True((bool?)parameter!["required"] == true, $"{method} {path}: {name} is not required");
                Assert.False(string.IsNullOrWhiteSpace((string?)parameter["description"]), $"{method} {path}: {name} has no description");
                Assert.NotNull(parameter["example"]);
            }
        }
    }

    [Fact]
    public void EveryRequestBody_HasAnExample_ThatSwaggerUiSendsAsWritten()
    {
        foreach (var (path, method, operation) in Operations().Where(o => o.Operation["requestBody"] is not null))
        {
            var json = operation["requestBody"]!["content"]!["application/json"]!;
            IEnumerable<JsonNode?> examples = json["examples"] is JsonObject named ? named.Select(e => e.Value!["value"]) : [json["example"]];
            foreach (var example in examples)
            {
                // Swagger UI puts a sample made from the schema ("string" in every text field) in place of a missing or empty example.
                Assert.True(example is JsonObject { Count: > 0 }, $"{method} {path}: no example Swagger UI would send as written");
            }
        }
    }

    [Fact]
    public void EveryUlongOfTheWdk_AdmitsQosNotSpecified()
    {
        var schemas = Document["components"]!["schemas"]!;
        foreach (var field in new[] { "tokenRate", "tokenBucketSize", "peakBandwidth", "latency", "delayVariation", "maxSduSize", "minimumPolicedSize" })
        {
            var schema = schemas["FlowSpecRequest"]!["properties"]![field]!;
            Assert.Equal("integer", (string?)schema["type"]);
            Assert.Equal(4294967295L, (long)schema["maximum"]!);
            Assert.Equal(0L, (long)schema["minimum"]!);
        }

        Assert.Equal(4294967295L, (long)schemas["AtmFlowParametersRequest"]!["properties"]!["peakCellRate"]!["maximum"]!);
        Assert.Equal(4294967295L, (long)schemas["MediaParametersRequest"]!["properties"]!["receiveSizeHint"]!["maximum"]!);
    }

    [Fact]
    public async Task MakeCall_WithQosNotSpecifiedInEveryFlowSpecField_IsAccepted()
    {
        var sandbox = await app.NewSandboxAsync();
        var vc = await sandbox.CreateVcAsync(await sandbox.OpenAfAsync());
        var unspecified = new { tokenRate = uint.MaxValue, tokenBucketSize = uint.MaxValue, peakBandwidth = uint.MaxValue, latency = uint.MaxValue, delayVariation = uint.MaxValue, serviceType = 0, maxSduSize = uint.MaxValue, minimumPolicedSize = uint.MaxValue };

        var made = await sandbox.Post($"/client/vcs/{vc}/call", new { callParameters = new { flags = Array.Empty<string>(), callMgrParameters = new { transmit = unspecified, receive = unspecified } } });

        Assert.Equal(HttpStatusCode.Accepted, made.Status);
        var pended = (await sandbox.EventsAsync(0)).Single(e => (string?)e!["name"] == "ProtocolCmMakeCall")!;
        Assert.Equal(4294967295L, (long)pended["callParameters"]!["callMgrParameters"]!["transmit"]!["latency"]!);
    }

    [Fact]
    public void Enums_ListExactlyTheNamesTheServerWrites()
    {
        var schemas = Document["components"]!["schemas"]!;
        Assert.Equal(["auto", "manual"], Names(schemas["McmDuties"]!));
        Assert.Equal(["Host", "Virtual"], Names(schemas["SandboxClock"]!));
        Assert.Equal("#/components/schemas/AdapterProfileName", (string?)schemas["CreateSandboxRequest"]!["properties"]!["profile"]!["$ref"]);
        Assert.Equal(["AtmOc3", "Atm25", "IsdnBri", "IsdnPriT1", "IsdnPriE1"], Names(schemas["AdapterProfileName"]!));
        Assert.Equal(["CO_ADDRESS_FAMILY_Q2931", "CO_ADDRESS_FAMILY_TAPI", "Q2931", "Tapi"], Names(schemas["AddressFamilyType"]!));
        Assert.Equal("#/components/schemas/EventName", (string?)schemas["NdisEventMessage"]!["properties"]!["name"]!["$ref"]);
        Assert.Contains("ProtocolClCloseCallComplete", Names(schemas["EventName"]!));
        Assert.Equal("#/components/schemas/NdisStatusName", (string?)schemas["OperationResponse"]!["properties"]!["status"]!["$ref"]);
        Assert.Contains("NDIS_STATUS_CELLRATE_NOT_AVAILABLE", Names(schemas["NdisStatusName"]!));

        static string[] Names(JsonNode schema) => [.. schema["enum"]!.AsArray().Select(n => (string)n!)];
    }

    [Fact]
    public void Operations_AreListedInFlowOrder_EachNdisOneLinkingItsWdkPage()
    {
        var ids = Operations().Select(o => (string)o.Operation["operationId"]!).ToList();
        Assert.True(ids.IndexOf("NdisClOpenAddressFamilyEx") < ids.IndexOf("NdisClRegisterSap"));
        Assert.True(ids.IndexOf("NdisClRegisterSap") < ids.IndexOf("NdisCoCreateVc"));
        Assert.True(ids.IndexOf("NdisCoCreateVc") < ids.IndexOf("NdisClMakeCall"));
        Assert.True(ids.IndexOf("NdisClMakeCall") < ids.IndexOf("NdisClCloseCall"));
        Assert.True(ids.IndexOf("NdisClCloseCall") < ids.IndexOf("NdisCoDeleteVc"));
        Assert.Equal("NdisClCloseAddressFamily", ids.Last(id => id.StartsWith("NdisCl", StringComparison.Ordinal) || id.StartsWith("NdisCo", StringComparison.Ordinal)));
        Assert.Equal("CreateSandbox", ids[0]);
        Assert.Equal(["Sandbox", "Client", "MCM", "Observation"], Document["tags"]!.AsArray().Select(t => (string)t!["name"]!));
        Assert.All(Document["tags"]!.AsArray(), t => Assert.False(string.IsNullOrWhiteSpace((string?)t!["description"])));

        foreach (var (_, _, operation) in Operations().Where(o => ((string)o.Operation["operationId"]!).StartsWith("Ndis", StringComparison.Ordinal)))
        {
            var id = (string)operation["operationId"]!;
            Assert.Equal($"https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/ndis/nf-ndis-{id.ToLowerInvariant()}", (string?)operation["externalDocs"]?["url"]);
        }
    }

    [Fact]
    public void Responses_AreThoseTheOperationCanGive()
    {
        var byId = Operations().ToDictionary(o => (string)o.Operation["operationId"]!, o => o.Operation["responses"]!.AsObject().Select(r => r.Key).ToArray());

        Assert.Equal(["200", "400", "401", "403", "404", "409", "410", "413", "415", "429", "503"], byId["NdisMCmCloseCallComplete"]);
        Assert.Equal(["200", "201", "400", "401", "403", "404", "409", "410", "413", "415", "429", "503"], byId["NdisCoCreateVc"]);
        Assert.Equal(["200", "201", "202", "400", "401", "403", "404", "409", "410", "413", "415", "429", "503"], byId["NdisClMakeCall"]);
        Assert.Equal(["200", "401", "403", "404", "409", "410", "429", "503"], byId["NdisCoDeleteVc"]);
        Assert.Equal(["200", "401", "403", "503"], byId["ListSandboxes"]);
        Assert.Equal(["201", "400", "409", "413", "415", "429", "503"], byId["CreateSandbox"]);

        var refusal = Operations().Single(o => (string?)o.Operation["operationId"] == "NdisCoDeleteVc").Operation["responses"]!["409"]!["content"]!["application/problem+json"]!["example"]!;
        Assert.StartsWith("V-", (string?)refusal["rule"], StringComparison.Ordinal);
        Assert.NotNull(refusal["reference"]);
        Assert.Equal("Error", (string?)refusal["severity"]);
    }

    [Fact]
    public void Security_SandboxKeyOnSandboxRoutes_OperatorKeyWhereTheOperatorIsAdmitted()
    {
        string[][] Schemes(string id) => [.. Operations().Single(o => (string?)o.Operation["operationId"] == id).Operation["security"]!.AsArray()
            .Select(requirement => requirement!.AsObject().Select(s => s.Key).ToArray())];

        Assert.Equal([["OperatorKey"]], Schemes("ListSandboxes"));
        Assert.Equal([["SandboxKey"], ["OperatorKey"]], Schemes("GetSandbox"));
        Assert.Equal([["SandboxKey"]], Schemes("NdisClMakeCall"));
        Assert.Empty(Schemes("CreateSandbox"));
        var schemes = Document["components"]!["securitySchemes"]!;
        Assert.Equal("X-Operator-Key", (string?)schemes["OperatorKey"]!["name"]);
        Assert.Equal("X-Sandbox-Key", (string?)schemes["SandboxKey"]!["name"]);
    }

    [Theory]
    [InlineData("CO_ADDRESS_FAMILY_Q2931", "CO_ADDRESS_FAMILY_Q2931")]
    [InlineData("co_address_family_tapi", "CO_ADDRESS_FAMILY_TAPI")]
    [InlineData("Q2931", "CO_ADDRESS_FAMILY_Q2931")]
    [InlineData("Tapi", "CO_ADDRESS_FAMILY_TAPI")]
    [InlineData(1, "CO_ADDRESS_FAMILY_Q2931")]
    [InlineData(2048, "CO_ADDRESS_FAMILY_TAPI")]
    [InlineData("0x800", "CO_ADDRESS_FAMILY_TAPI")]
    public async Task OpenAddressFamily_ByNdisHNameAliasOrValue_Answers201_AndEventsUseTheNdisHName(object given, string name)
    {
        var sandbox = await app.NewSandboxAsync();

        var opened = await sandbox.Post("/client/address-families", new { addressFamily = given, clientAfContext = "af" });

        Assert.Equal(HttpStatusCode.Created, opened.Status);
        var open = (await sandbox.EventsAsync(0)).Single(e => (string?)e!["name"] == "NdisClOpenAddressFamilyEx")!;
        Assert.Equal(name, (string?)open["addressFamily"]!["addressFamily"]);
        Assert.Equal(name, (string?)(await sandbox.Get("")).Body!["addressFamilies"]![0]!["addressFamily"]!["addressFamily"]);
    }

    [Theory]
    [InlineData("/client/address-families", """{"addressFamily": "Ethernet"}""", "addressFamily", "CO_ADDRESS_FAMILY_Q2931")]
    [InlineData("/client/address-families", """{"addressFamily": 3}""", "addressFamily", "CO_ADDRESS_FAMILY_TAPI")]
    [InlineData("/behaviors/ProtocolCmMakeCall", """{"mode": "Complete,Pend"}""", "mode", "Complete, Pend")]
    [InlineData("/behaviors/ProtocolCmMakeCall", """{"mode": 1}""", "mode", "Complete, Pend")]
    [InlineData("/routes/+15550100", """{"outcome": "Bussy"}""", "outcome", "Reachable, Busy, OutOfOrder, NoRoute, Unallocated")]
    [InlineData("/client/address-families", """{"addressFamily": "Q2931", "majorVersion": -1}""", "majorVersion", "an integer from 0 to 4294967295")]
    [InlineData("/clock/advance", """{"by": "2s"}""", "by", "hh:mm:ss")]
    [InlineData("/client/address-families", """[1]""", "", "The body is not a JSON object")]
    public async Task UnreadableBody_IsA400_NamingTheJsonFieldAndWhatItTakes(string path, string body, string field, string allowed)
    {
        var sandbox = await app.NewSandboxAsync();
        var before = await sandbox.StateAsync();

        var refused = path.StartsWith("/behaviors", StringComparison.Ordinal) || path.StartsWith("/routes", StringComparison.Ordinal)
            ? await sandbox.PutJson(path, body)
            : await sandbox.PostJson(path, body);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("application/problem+json", refused.ContentType);
        var detail = (string)refused.Body!["detail"]!;
        Assert.Contains(allowed, detail, StringComparison.Ordinal);
        Assert.DoesNotContain("NdisMock.", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", detail, StringComparison.Ordinal);
        if (field.Length > 0)
        {
            Assert.StartsWith(field + ":", detail, StringComparison.Ordinal);
            Assert.NotNull(refused.Body["errors"]![field]);
        }

        Assert.Equal(before, await sandbox.StateAsync());
    }

    [Theory]
    [InlineData("/events?wait=2s", "wait", "hh:mm:ss")]
    [InlineData("/events?after=x", "after", "an integer")]
    [InlineData("/events?name=NdisClMakeCall,NdisClCloseCall", "name", "is not an event name")]
    [InlineData("/events?name=1", "name", "is not an event name")]
    public async Task UnreadableQuery_IsA400_NamingTheParameterAndItsFormat(string query, string parameter, string expected)
    {
        var sandbox = await app.NewSandboxAsync();

        var refused = await sandbox.Get(query);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains(expected, refused.Body!["errors"]![parameter]![0]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommaJoinedHandlerNames_AreNotOredIntoAnotherHandler()
    {
        var sandbox = await app.NewSandboxAsync();

        var refused = await sandbox.Put("/behaviors/ProtocolCmOpenAf,ProtocolCmCloseAf", new { mode = "Pend" });

        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
        Assert.Contains("ProtocolCmMakeCall", (string?)refused.Body!["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Root_IsTheStartPage_ListingSwaggerUiAndTheLivePage()
    {
        using var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var root = await client.GetAsync(new Uri("/", UriKind.Relative));
        var html = await root.Content.ReadAsStringAsync();

        Assert.Equal((HttpStatusCode.OK, "text/html"), (root.StatusCode, root.Content.Headers.ContentType?.MediaType));
        Assert.Contains("href=\"/swagger\"", html, StringComparison.Ordinal);
        Assert.Contains("action=\"/sandbox.html\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LivePage_ServesTheSignalRClientAsNpmShipsIt()
    {
        Node.Require("@microsoft/signalr");
        using var client = app.CreateClient();

        var served = await client.GetByteArrayAsync(new Uri("/lib/signalr/signalr.min.js", UriKind.Relative));
        var shipped = await File.ReadAllBytesAsync(Path.Combine(Node.Folder, "node_modules", "@microsoft", "signalr", "dist", "browser", "signalr.min.js"));
        var lockFile = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Node.Folder, "package-lock.json")))!;

        Assert.Equal(shipped, served);
        Assert.Equal("10.0.11", (string?)lockFile["packages"]!["node_modules/@microsoft/signalr"]!["version"]);
        Assert.Contains("10.0.11", await client.GetStringAsync(new Uri("/lib/signalr/LICENSE.txt", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusal_CarriesTheWdkPageAddressBesideItsTitle()
    {
        var sandbox = await app.NewSandboxAsync();
        var vc = await sandbox.CreateVcAsync(await sandbox.OpenAfAsync());
        var op = (await sandbox.Post($"/client/vcs/{vc}/call"))["pendingOperationId"]!;
        Assert.Equal(HttpStatusCode.OK, (await sandbox.Post($"/pending/{op}/complete", new { status = "NDIS_STATUS_SUCCESS" })).Status);

        var refused = await sandbox.Post($"/pending/{op}/complete", new { status = "NDIS_STATUS_SUCCESS" });

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        var reference = (string)refused.Body!["reference"]!;
        var url = (string)refused.Body!["referenceUrl"]!;
        Assert.StartsWith("https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/ndis/", url, StringComparison.Ordinal);
        Assert.EndsWith(reference.Split(' ')[0].ToLowerInvariant(), url, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Placeholder();
}
