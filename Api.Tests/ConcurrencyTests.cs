using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NdisMock.Api.Sandboxes;
using NdisMock.Domain;

namespace NdisMock.Api.Tests;

/// <summary>Many requests at once: one completion wins, and every sandbox stays equal to a sequential replay of its journal.</summary>
public sealed class ConcurrencyTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    [Fact]
    public async Task AThousandConcurrentCompletionsOfOneRequest_ExactlyOneSucceeds_TheRestAreV_CMP_02()
    {
        var sandbox = await app.NewSandboxAsync();
        var vc = await sandbox.ConnectedCallAsync(await sandbox.OpenAfAsync());
        var closed = await sandbox.Post($"/client/vcs/{vc}/call/close");

        var answers = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ =>
            sandbox.Post($"/pending/{closed["pendingOperationId"]}/complete", new { status = "NDIS_STATUS_SUCCESS" })));

        Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        Assert.Equal(999, answers.Count(a => a.Status == HttpStatusCode.Conflict && a["rule"] == "V-CMP-02"));
        var completions = (await sandbox.EventsAsync(0)).Count(e => (string?)e!["name"] == "ProtocolClCloseCallComplete");
        Assert.Equal(1, completions);
    }

    [Fact]
    public async Task ConcurrentLoadAcross100Sandboxes_LeavesEachEqualToASequentialReplayOfItsJournal()
    {
        var sandboxes = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => app.NewSandboxAsync(new { duties = "manual" })));

        await Task.WhenAll(sandboxes.Select(s => Workload(s, workers: 3, calls: 3)));

        foreach (var sandbox in sandboxes)
        {
            AssertReplays(app, sandbox);
        }
    }

    [Fact]
    public async Task ConcurrentLoadWithinOneSandbox_LeavesItEqualToASequentialReplayOfItsJournal()
    {
        // Thousands of requests on one sandbox in about a second: above the default rate limit, which is not under test here.
        await using var unlimited = NdisMockApplication.With(b => b.UseSetting("Sandboxes:RateLimitPermits", "1000000"));
        var sandbox = await unlimited.NewSandboxAsync(new { duties = "manual" });

        await Workload(sandbox, workers: 32, calls: 10);

        AssertReplays(unlimited, sandbox);
        var state = (await sandbox.Get("")).Body!;
        Assert.Empty(state["pendingOperations"]!.AsArray());
    }

    /// <summary>Workers sharing one address family each run outgoing calls through to deletion, with a few illegal calls mixed in.</summary>
    private static async Task Workload(HttpSandbox sandbox, int workers, int calls)
    {
        var af = await sandbox.OpenAfAsync();
        var sap = (await sandbox.Post($"/client/address-families/{af}/saps", new { sap = new { sapType = "Nsap", value = "47.99" } }))["ndisSapHandle"];
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
        {
            for (var call = 0; call < calls; call++)
            {
                var vc = await sandbox.CreateVcAsync(af, $"w{worker}c{call}");
                var made = await sandbox.Post($"/client/vcs/{vc}/call");
                await sandbox.Post($"/mcm/vcs/{vc}/activate");
                await sandbox.Post($"/mcm/vcs/{vc}/make-call-complete", new { status = "NDIS_STATUS_SUCCESS" });
                await sandbox.Post($"/pending/{made["pendingOperationId"]}/complete", new { status = "NDIS_STATUS_SUCCESS" });
                await sandbox.Post($"/client/vcs/{vc}/call/qos", new { callParameters = new { flags = new[] { "QueryCallParameters" } } });
                await sandbox.Post($"/mcm/vcs/{vc}/qos-complete", new { status = "NDIS_STATUS_FAILURE" });
                await sandbox.Delete($"/client/vcs/{vc}");
                await sandbox.Post($"/client/vcs/{vc}/call/close");
                await sandbox.Post($"/mcm/vcs/{vc}/deactivate");
                await sandbox.Post($"/mcm/vcs/{vc}/close-call-complete", new { status = "NDIS_STATUS_SUCCESS" });
                await sandbox.Delete($"/client/vcs/{vc}");
                var incoming = (await sandbox.Post($"/mcm/address-families/{af}/vcs", new { protocolVcContext = $"in{worker}c{call}" }))["ndisVcHandle"];
                await sandbox.Post($"/mcm/vcs/{incoming}/activate");
                await sandbox.Post($"/mcm/saps/{sap}/vcs/{incoming}/incoming-call");
                await sandbox.Post($"/client/vcs/{incoming}/incoming-call/complete", new { status = "NDIS_STATUS_NOT_SUPPORTED" });
                await sandbox.Post($"/mcm/vcs/{incoming}/deactivate");
                await sandbox.Delete($"/mcm/vcs/{incoming}");
            }
        }));
    }

    private static void AssertReplays(NdisMockApplication host, HttpSandbox sandbox)
    {
        var live = host.Services.GetRequiredService<SandboxStore>().Find(sandbox.Id)!.Sandbox;
        var journal = live.GetEvents(0);

        var replayed = Replay.Run(journal, live.Options);

        Assert.Equal(Replay.Lines(journal), Replay.Lines(replayed.GetEvents(0)));
        Assert.Equal(Replay.State(live), Replay.State(replayed));
        Assert.Contains(journal, e => e.Name == EventName.NdisMCmCloseCallComplete);
    }
}
