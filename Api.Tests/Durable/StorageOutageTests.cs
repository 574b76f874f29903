using System.Net;
using System.Text.Json.Nodes;

namespace NdisMock.Api.Tests.Durable;

/// <summary>
/// A durable node whose Redis goes away: it says so on /health/ready (503), answers 503 for what it cannot make durable
/// or cannot find (never a 404 for a sandbox that may exist), and keeps every answered operation for when Redis is back.
/// </summary>
public sealed class StorageOutageTests : RedisBackedTest
{
    [Fact]
    public async Task WithoutRedis_ReadinessIs503_AndASandboxAnswers503NotNotFound_AndNothingAnsweredIsLost()
    {
        var node = await StartNodeAsync();
        using var http = node.CreateClient();
        var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("durable", (string?)JsonNode.Parse(await ready.Content.ReadAsStringAsync())!["host"]);
        var sandbox = await HttpSandbox.CreateAsync(http);
        var af = HttpSandbox.Ok(await sandbox.Post("/client/address-families", new { addressFamily = "CO_ADDRESS_FAMILY_Q2931", clientAfContext = "kept" }))["ndisAfHandle"]!;

        await Redis.KillAsync();

        var notReady = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Equal("Unhealthy", (string?)JsonNode.Parse(await notReady.Content.ReadAsStringAsync())!["checks"]!["storage"]!["status"]);

        var unkept = await sandbox.Post($"/client/address-families/{af}/vcs", new { });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unkept.Status);
        Assert.Equal("Storage unavailable", unkept["title"]);
        Assert.True(unkept.Message.Headers.RetryAfter is not null, "a 503 says when to retry");

        // Dropped from memory (it was ahead of its log): until Redis answers, whether it exists cannot be told.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await sandbox.Get("")).Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await new HttpSandbox(http, "sbx-0123456789abcdef", "k").Get("")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await new HttpSandbox(http, "not-a-sandbox-id", "k").Get("")).Status);

        await Redis.RestartAsync();
        await node.KillHardAsync();
        var back = await StartNodeAsync();
        var rebuilt = new HttpSandbox(back.CreateClient(), sandbox.Id, sandbox.Key);
        var state = HttpSandbox.Ok(await rebuilt.Get("")).Body!;
        Assert.Equal("kept", (string?)Assert.Single(state["addressFamilies"]!.AsArray())!["clientAfContext"]);
    }
}
