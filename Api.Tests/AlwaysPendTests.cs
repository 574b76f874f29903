using System.Net;

namespace NdisMock.Api.Tests;

/// <summary>The sandbox option under which every asynchronous client request pends and its completion callback arrives.</summary>
public sealed class AlwaysPendTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    [Fact]
    public async Task WithAlwaysPend_AnOpenTheMcmAnswersAtOnce_Is202_AndProtocolClOpenAfCompleteExFollows()
    {
        var sandbox = await app.NewSandboxAsync(new { alwaysPend = true });
        Assert.Equal("true", (await sandbox.Get("")).Body!["alwaysPend"]!.ToJsonString());
        var start = await sandbox.LastSequenceAsync();

        var opened = await sandbox.Post("/client/address-families", new { addressFamily = "CO_ADDRESS_FAMILY_Q2931", clientAfContext = "my-af" });

        Assert.Equal(HttpStatusCode.Accepted, opened.Status);
        Assert.Equal("NDIS_STATUS_PENDING", opened["status"]);
        Assert.Equal(
            ["NdisClOpenAddressFamilyEx client PENDING", "ProtocolCmOpenAf mcm SUCCESS", "ProtocolClOpenAfCompleteEx client SUCCESS"],
            await sandbox.TraceAsync(start));
        var completion = (await sandbox.EventsAsync(start))[^1]!;
        Assert.Equal((opened["ndisAfHandle"], "my-af", opened["pendingOperationId"]),
            ((string?)completion["ndisAfHandle"], (string?)completion["clientAfContext"], (string?)completion["pendingOperationId"]));
    }

    [Fact]
    public async Task ByDefault_AnOpenTheMcmAnswersAtOnce_Is201()
    {
        var sandbox = await app.NewSandboxAsync();
        Assert.Equal("false", (await sandbox.Get("")).Body!["alwaysPend"]!.ToJsonString());

        var opened = await sandbox.Post("/client/address-families", new { addressFamily = "CO_ADDRESS_FAMILY_Q2931" });

        Assert.Equal((HttpStatusCode.Created, "NDIS_STATUS_SUCCESS"), (opened.Status, opened["status"]));
    }
}
