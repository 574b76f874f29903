using System.Net;

namespace NdisMock.Api.Tests;

/// <summary>
/// Delays past what a timer can wait used to fail in the middle of a turn (a 500, and a make call left pending with its
/// reservation and no journal event). They are refused up front now, and the sandbox goes on as before.
/// </summary>
public sealed class LongDelayTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    [Theory]
    [InlineData("50.00:00:00")]
    [InlineData("10675199.02:48:05.4775807")]
    public async Task CompleteAfter_BeyondTheLongestDelay_IsRefused_AndMakeCallStillWorks(string delay)
    {
        var sandbox = await app.NewSandboxAsync();
        var behaviors = (await sandbox.Get("/behaviors")).Body!.ToJsonString();

        var refused = await sandbox.Put("/behaviors/ProtocolCmMakeCall", new { mode = "Pend", completeAfter = delay });

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("30.00:00:00", refused.Body!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(behaviors, (await sandbox.Get("/behaviors")).Body!.ToJsonString());
        var vc = await sandbox.CreateVcAsync(await sandbox.OpenAfAsync());
        Assert.Equal(HttpStatusCode.Accepted, (await sandbox.Post($"/client/vcs/{vc}/call")).Status);
    }

    [Fact]
    public async Task AnswerDelay_BeyondTheLongestDelay_IsRefused()
    {
        var sandbox = await app.NewSandboxAsync();

        var refused = await sandbox.Put("/routes/+15550100", new { outcome = "Reachable", answerDelay = "49.17:02:47.2960000" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Empty((await sandbox.Get("/routes")).Body!["routes"]!.AsArray());
    }

    [Fact]
    public async Task AdvancingAVirtualClockPastTheCalendar_IsRefused_AndTheClockStays()
    {
        var sandbox = await app.NewSandboxAsync(new { clock = "Virtual" });
        var now = (string?)(await sandbox.Get("")).Body!["now"];

        var refused = await sandbox.Post("/clock/advance", new { by = TimeSpan.MaxValue.ToString("c", System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(now, (string?)(await sandbox.Get("")).Body!["now"]);
        Assert.Equal(HttpStatusCode.OK, (await sandbox.Post("/clock/advance", new { by = "1.00:00:00" })).Status);
    }
}
