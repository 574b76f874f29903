using System.Net;

namespace NdisMock.Api.Tests;

/// <summary>Each answer rule of the README ("Using it"): the HTTP status says whether the call was legal, the NDIS status what was answered.</summary>
public sealed class HttpStatusRuleTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    [Fact]
    public async Task SynchronousDocumentedFailure_Is200_WithTheNdisStatus_AndTheRuleRecorded()
    {
        var sandbox = await app.NewSandboxAsync();
        var vc = await sandbox.ConnectedCallAsync(await sandbox.OpenAfAsync());
        var before = await sandbox.StateAsync();

        var deleted = await sandbox.Delete($"/client/vcs/{vc}");

        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal(("NDIS_STATUS_NOT_ACCEPTED", "0x00010003"), (deleted["status"], deleted["statusCode"]));
        Assert.Equal("V-VC-05", (string?)deleted.Body!["violation"]!["rule"]);
        Assert.Equal(before, await sandbox.StateAsync());
        Assert.Equal("Reject", (string?)(await sandbox.ViolationsAsync()).Single()!["severity"]);
    }

    [Fact]
    public async Task CreatingAnObject_Is201_WithItsHandle()
    {
        var sandbox = await app.NewSandboxAsync();

        var opened = await sandbox.Post("/client/address-families", new { addressFamily = "tapi", clientAfContext = "isdn" });

        Assert.Equal(HttpStatusCode.Created, opened.Status);
        Assert.Equal("NDIS_STATUS_SUCCESS", opened["status"]);
        Assert.StartsWith("af-", opened["ndisAfHandle"], StringComparison.Ordinal);
        Assert.Equal($"/sandboxes/{sandbox.Id}", opened.Message.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task PendedCall_Is202_WithTheLocationOfItsPendingOperation()
    {
        var sandbox = await app.NewSandboxAsync();
        var vc = await sandbox.CreateVcAsync(await sandbox.OpenAfAsync());

        var made = await sandbox.Post($"/client/vcs/{vc}/call");
        var pending = await sandbox.Get($"/pending/{made["pendingOperationId"]}");

        Assert.Equal(HttpStatusCode.Accepted, made.Status);
        Assert.Equal(("NDIS_STATUS_PENDING", "0x00000103"), (made["status"], made["statusCode"]));
        Assert.Equal(sandbox.Path($"/pending/{made["pendingOperationId"]}"), made.Message.Headers.Location?.OriginalString);
        Assert.Equal(("ProtocolCmMakeCall", "NdisMCmMakeCallComplete", vc), (pending["handler"], pending["completion"], pending["ndisVcHandle"]));
    }

    [Fact]
    public async Task CompletionWithPending_Is400_V_CMP_01_AndChangesNothing() =>
        await AssertRefused(HttpStatusCode.BadRequest, "V-CMP-01", async sandbox =>
        {
            var vc = await sandbox.ConnectedCallAsync(await sandbox.OpenAfAsync());
            await sandbox.Post($"/client/vcs/{vc}/call/close");
            return s => s.Post($"/mcm/vcs/{vc}/close-call-complete", new { status = "NDIS_STATUS_PENDING" });
        });

    [Fact]
    public async Task SecondCompletion_Is409_V_CMP_02_AndChangesNothing() =>
        await AssertRefused(HttpStatusCode.Conflict, "V-CMP-02", async sandbox =>
        {
            var vc = await sandbox.ConnectedCallAsync(await sandbox.OpenAfAsync());
            var closed = await sandbox.Post($"/client/vcs/{vc}/call/close");
            SandboxApi.Ok(await sandbox.Post($"/pending/{closed["pendingOperationId"]}/complete", new { status = "NDIS_STATUS_SUCCESS" }));
            return s => s.Post($"/pending/{closed["pendingOperationId"]}/complete", new { status = "NDIS_STATUS_SUCCESS" });
        });

    [Fact]
    public async Task WrongPartyHandle_Is400_V_CALL_04_AndChangesNothing() =>
        await AssertRefused(HttpStatusCode.BadRequest, "V-CALL-04", async sandbox =>
        {
            var vc = await sandbox.CreateVcAsync(await sandbox.OpenAfAsync());
            var made = await sandbox.Post($"/client/vcs/{vc}/call", new { protocolPartyContext = "p1" });
            SandboxApi.Ok(await sandbox.Post($"/pending/{made["pendingOperationId"]}/complete", new { status = "NDIS_STATUS_SUCCESS" }));
            await sandbox.Post($"/client/vcs/{vc}/call/close", new { ndisPartyHandle = made["ndisPartyHandle"] });
            return s => s.Post($"/mcm/vcs/{vc}/close-call-complete", new { status = "NDIS_STATUS_SUCCESS" });
        });

    [Fact]
    public async Task IllegalOrder_Is409_V_CALL_07_AndChangesNothing() =>
        await AssertRefused(HttpStatusCode.Conflict, "V-CALL-07", async sandbox =>
        {
            var af = await sandbox.OpenAfAsync();
            var sap = (await sandbox.Post($"/client/address-families/{af}/saps", new { sap = new { sapType = "Nsap", value = "47.01" } }))["ndisSapHandle"];
            var vc = (await sandbox.Post($"/mcm/address-families/{af}/vcs"))["ndisVcHandle"];
            await sandbox.Post($"/mcm/saps/{sap}/vcs/{vc}/incoming-call");
            return s => s.Post($"/mcm/vcs/{vc}/call-connected");
        });

    [Fact]
    public async Task ForeignHandle_Is404_V_HDL_01_AndChangesNothing()
    {
        var other = await app.NewSandboxAsync();
        var foreign = await other.CreateVcAsync(await other.OpenAfAsync());

        await AssertRefused(HttpStatusCode.NotFound, "V-HDL-01", async sandbox =>
        {
            await sandbox.OpenAfAsync();
            return s => s.Post($"/client/vcs/{foreign}/call");
        });
    }

    [Fact]
    public async Task DeletedHandle_Is410_V_VC_08_AndChangesNothing() =>
        await AssertRefused(HttpStatusCode.Gone, "V-VC-08", async sandbox =>
        {
            var vc = await sandbox.CreateVcAsync(await sandbox.OpenAfAsync());
            SandboxApi.Ok(await sandbox.Delete($"/client/vcs/{vc}"));
            return s => s.Post($"/client/vcs/{vc}/call");
        });

    [Theory]
    [InlineData("{\"status\":", "could not be read")]
    [InlineData("{\"status\": 7}", "could not be read")]
    [InlineData("{\"status\": \"NDIS_STATUS_MADE_UP\"}", "NDIS status name")]
    [InlineData("{\"status\": \"0xC000\"}", "NDIS status name")]
    [InlineData("{}", "required")]
    [InlineData("[1, 2]", "could not be read")]
    [InlineData("{\"status\": \"NDIS_STATUS_SUCCESS\", \"callParameters\": {\"flags\": [\"Bogus\"]}}", "could not be read")]
    [InlineData("{\"status\": \"NDIS_STATUS_SUCCESS\", \"callParameters\": {\"flags\": 4294967296}}", "could not be read")]
    [InlineData("{\"status\": \"NDIS_STATUS_SUCCESS\", \"callParameters\": {\"flags\": 0, \"mediaParameters\": {\"flags\": 0, \"receivePriority\": -1, \"receiveSizeHint\": 0}}}", "could not be read")]
    [InlineData("{\"status\": \"NDIS_STATUS_SUCCESS\", \"callParameters\": {\"flags\": 0, \"mediaParameters\": {\"flags\": 0, \"receivePriority\": 0, \"receiveSizeHint\": 0, \"atm\": {\"vpi\": 5000, \"vci\": 32, \"aalType\": \"Aal5\", \"transmit\": {\"serviceCategory\": \"Ubr\", \"averageCellRate\": 0, \"peakCellRate\": 1, \"minimumCellRate\": 0, \"maxSduSize\": 1}, \"receive\": {\"serviceCategory\": \"Ubr\", \"averageCellRate\": 0, \"peakCellRate\": 1, \"minimumCellRate\": 0, \"maxSduSize\": 1}}}}}", "between")]
    public async Task MalformedOrOutOfRangeBodies_Are400Problems_AndChangeNothing(string json, string expected)
    {
        var sandbox = await app.NewSandboxAsync();
        var vc = await sandbox.ConnectedCallAsync(await sandbox.OpenAfAsync());
        var qos = await sandbox.Post($"/client/vcs/{vc}/call/qos", new { callParameters = new { flags = 0 } });
        Assert.Equal(HttpStatusCode.Accepted, qos.Status);
        var before = await sandbox.StateAsync();
        var events = await sandbox.LastSequenceAsync();

        var refused = await sandbox.PostJson($"/pending/{qos["pendingOperationId"]}/complete", json);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("application/problem+json", refused.ContentType);
        Assert.Contains(expected, refused.Body!.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await sandbox.StateAsync());
        Assert.Equal(events, await sandbox.LastSequenceAsync());
    }

    [Theory]
    [InlineData("/client/address-families", "{\"addressFamily\": \"Ethernet\"}")]
    [InlineData("/client/address-families", "{\"clientAfContext\": \"no family\"}")]
    [InlineData("/client/address-families", "{\"addressFamily\": \"Q2931\", \"clientAfContext\": 12}")]
    [InlineData("/client/address-families", "{\"addressFamily\": \"Q2931\", \"majorVersion\": -1}")]
    public async Task UnknownEnumsWrongTypesAndMissingFields_Are400(string path, string json)
    {
        var sandbox = await app.NewSandboxAsync();
        var before = await sandbox.StateAsync();

        var refused = await sandbox.PostJson(path, json);

        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (refused.Status, refused.ContentType));
        Assert.Equal(before, await sandbox.StateAsync());
    }

    [Fact]
    public async Task OversizedStrings_Are400()
    {
        var sandbox = await app.NewSandboxAsync();
        var before = await sandbox.StateAsync();

        var refused = await sandbox.Post("/client/address-families", new { addressFamily = "Q2931", clientAfContext = new string('x', 257) });

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("ClientAfContext", refused.Body!["errors"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(before, await sandbox.StateAsync());
    }

    [Fact]
    public async Task InvalidUtf8_Is400()
    {
        var sandbox = await app.NewSandboxAsync();
        var body = new ByteArrayContent([.. "{\"addressFamily\":\"Q2931\",\"clientAfContext\":\""u8.ToArray(), 0xC3, 0x28, .. "\"}"u8.ToArray()]);
        body.Headers.ContentType = new("application/json");

        var refused = await sandbox.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(sandbox.Path("/client/address-families"), UriKind.Relative))
        {
            Headers = { { "X-Sandbox-Key", sandbox.Key } },
            Content = body,
        });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task StatusByHexCode_IsAccepted_AndAnsweredWithBothForms()
    {
        var sandbox = await app.NewSandboxAsync();
        var vc = await sandbox.CreateVcAsync(await sandbox.OpenAfAsync());
        var made = await sandbox.Post($"/client/vcs/{vc}/call");

        var failed = await sandbox.Post($"/pending/{made["pendingOperationId"]}/complete", new { status = "0xc0010026" });

        Assert.Equal(("NDIS_STATUS_CELLRATE_NOT_AVAILABLE", "0xC0010026"), (failed["status"], failed["statusCode"]));
    }

    [Fact]
    public async Task UnknownSandbox_Is404Problem()
    {
        using var http = app.CreateNdisClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/sandboxes/sbx-0000000000000000", UriKind.Relative));
        request.Headers.Add("X-Sandbox-Key", "anything");

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task DeletedSandbox_IsGone_ForItsKeyToo()
    {
        var sandbox = await app.NewSandboxAsync();

        var deleted = await sandbox.Delete("");
        var after = await sandbox.Get("");

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NotFound), (deleted.Status, after.Status));
    }

    [Fact]
    public async Task SetBehavior_ValidatesItsInput()
    {
        var sandbox = await app.NewSandboxAsync();

        var unknownHandler = await sandbox.Put("/behaviors/ProtocolCmNothing", new { mode = "Pend" });
        var numericHandler = await sandbox.Put("/behaviors/4", new { mode = "Pend" });
        var impossible = await sandbox.Put("/behaviors/ProtocolCmMakeCall", new { mode = "Complete", status = "NDIS_STATUS_PENDING" });
        var set = await sandbox.Put("/behaviors/protocolcmmakecall", new { mode = "complete", status = "NDIS_STATUS_RESOURCES" });

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.BadRequest, HttpStatusCode.OK),
            (unknownHandler.Status, numericHandler.Status, impossible.Status, set.Status));
        var behaviors = (await sandbox.Get("/behaviors")).Body!["behaviors"]!.AsArray();
        var makeCall = behaviors.Single(b => (string?)b!["handler"] == "ProtocolCmMakeCall")!;
        Assert.Equal(("Complete", "NDIS_STATUS_RESOURCES"), ((string?)makeCall["mode"], (string?)makeCall["status"]));
    }

    [Fact]
    public async Task ProblemTypes_PointAtTheRuleCatalogue()
    {
        using var http = app.CreateNdisClient();

        var rule = await http.GetAsync(new Uri("/rules/V-CMP-01", UriKind.Relative));
        var unknown = await http.GetAsync(new Uri("/rules/V-NOPE-01", UriKind.Relative));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.NotFound), (rule.StatusCode, unknown.StatusCode));
        Assert.Contains("NdisMCmCloseCallComplete macro", await rule.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventsOlderThanTheJournalKeeps_Are410_AndPagingWorks()
    {
        var sandbox = await app.NewSandboxAsync();
        var page = await sandbox.Get("/events?after=0&limit=2");
        var rest = await sandbox.Get($"/events?after={(long)page.Body!["events"]![1]!["sequence"]!}");

        Assert.Equal([1L, 2L], page.Body!["events"]!.AsArray().Select(e => (long)e!["sequence"]!));
        Assert.Equal([3L, 4L], rest.Body!["events"]!.AsArray().Select(e => (long)e!["sequence"]!));
        Assert.Equal(HttpStatusCode.BadRequest, (await sandbox.Get("/events?after=-1")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await sandbox.Get("/events?limit=0")).Status);
    }

    /// <summary>Sets up a sandbox, then checks that the call is refused with the rule, the status and nothing changed.</summary>
    private async Task AssertRefused(HttpStatusCode expected, string rule, Func<SandboxApi, Task<Func<SandboxApi, Task<Reply>>>> arrange)
    {
        var sandbox = await app.NewSandboxAsync();
        var call = await arrange(sandbox);
        var before = await sandbox.StateAsync();
        var events = await sandbox.LastSequenceAsync();
        var violations = (await sandbox.ViolationsAsync()).Count;

        var refused = await call(sandbox);

        Assert.Equal(expected, refused.Status);
        Assert.Equal("application/problem+json", refused.ContentType);
        Assert.Equal((rule, $"/rules/{rule}", "Error"), (refused["rule"], refused["type"], refused["severity"]));
        Assert.False(string.IsNullOrEmpty(refused["reference"]));
        Assert.Equal(before, await sandbox.StateAsync());
        Assert.Equal(events, await sandbox.LastSequenceAsync());
        var recorded = await sandbox.ViolationsAsync();
        Assert.Equal(violations + 1, recorded.Count);
        Assert.Equal(rule, (string?)recorded[^1]!["rule"]);
    }
}
