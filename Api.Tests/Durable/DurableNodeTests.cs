using System.Net;

namespace NdisMock.Api.Tests.Durable;

/// <summary>
/// A durable single node (Storage__Redis) as separate processes with a real redis-server: killed with SIGKILL mid-flow
/// and started again, it serves the sandbox as it was, on the same id, key and handles, and the journal is the one an
/// uninterrupted run writes.
/// </summary>
public sealed class DurableNodeTests : RedisBackedTest
{
    [Fact]
    public async Task KilledMidFlow_AndRestarted_FinishesTheFlowOnTheSameHandles_WithTheJournalOfAnUninterruptedRun()
    {
        var first = await StartNodeAsync();
        var interrupted = await HttpSandbox.CreateAsync(first.CreateClient());
        var handles = await SeedFlow.FirstHalfAsync(interrupted);

        await first.KillHardAsync();
        var second = await StartNodeAsync();
        var resumed = new HttpSandbox(second.CreateClient(), interrupted.Id, interrupted.Key);

        // The close the MCM was to complete by itself fell due while no node ran: it completes on the new one.
        await SeedFlow.SecondHalfAsync(resumed, handles);
        var afterRestart = await SeedFlow.JournalAsync(resumed, handles);

        var uninterrupted = await HttpSandbox.CreateAsync(second.CreateClient());
        var same = await SeedFlow.FirstHalfAsync(uninterrupted);
        await SeedFlow.SecondHalfAsync(uninterrupted, same);
        var expected = await SeedFlow.JournalAsync(uninterrupted, same);

        Assert.Contains("ProtocolClCloseCallComplete", SeedFlow.Names(afterRestart));
        Assert.Equal(expected, afterRestart);
    }

    [Fact]
    public async Task ASubscriberResubscribingAfterTheRestart_WithItsLastSequence_GetsNoGapAndNoDuplicate()
    {
        var first = await StartNodeAsync();
        var sandbox = await HttpSandbox.CreateAsync(first.CreateClient());
        var seen = new List<long>();
        await using (var before = await SubscribeAsync(first, sandbox, 0))
        {
            var handles = await SeedFlow.FirstHalfAsync(sandbox);
            var last = HttpSandbox.Ok(await sandbox.Get("/events?after=0&limit=1")).Body!["lastSequence"]!.GetValue<long>();
            seen.AddRange((await before.Sink.TakeAsync((int)last)).Select(e => e.Event.Sequence));
            await first.KillHardAsync();

            var second = await StartNodeAsync();
            var resumed = new HttpSandbox(second.CreateClient(), sandbox.Id, sandbox.Key);
            await using var after = await SubscribeAsync(second, resumed, seen[^1]);
            await SeedFlow.SecondHalfAsync(resumed, handles);
            var end = HttpSandbox.Ok(await resumed.Get("/events?after=0&limit=1")).Body!["lastSequence"]!.GetValue<long>();
            seen.AddRange((await after.Sink.TakeAsync((int)(end - seen[^1]))).Select(e => e.Event.Sequence));
            Assert.Equal(Enumerable.Range(1, (int)end).Select(s => (long)s), seen);
        }
    }

    [Fact]
    public async Task ARestartedNode_KeepsKeysDeletionsRefusalsAndPendingRequests()
    {
        var first = await StartNodeAsync();
        var kept = await HttpSandbox.CreateAsync(first.CreateClient());
        var deleted = await HttpSandbox.CreateAsync(first.CreateClient());
        var af = HttpSandbox.Ok(await kept.Post("/client/address-families", new { addressFamily = "CO_ADDRESS_FAMILY_Q2931" }))["ndisAfHandle"]!;
        var vc = HttpSandbox.Ok(await kept.Post($"/client/address-families/{af}/vcs", new { }))["ndisVcHandle"]!;
        var refused = await kept.Post($"/client/vcs/{vc}/call/close", new { });
        Assert.True((int)refused.Status is >= 400 and < 500, $"closing a call that was never made answered {refused.Status}");
        var findings = HttpSandbox.Ok(await kept.Get("/violations")).Body!.ToJsonString();
        Assert.Contains("V-", findings, StringComparison.Ordinal);
        var other = HttpSandbox.Ok(await kept.Post($"/client/address-families/{af}/vcs", new { }))["ndisVcHandle"]!;
        Assert.Equal(HttpStatusCode.Accepted, (await kept.Post($"/client/vcs/{other}/call", new { })).Status);
        var pending = HttpSandbox.Ok(await kept.Get("/pending")).Body!.ToJsonString();
        Assert.Contains("ProtocolCmMakeCall", pending, StringComparison.Ordinal);
        HttpSandbox.Ok(await deleted.Delete(""));

        await first.KillHardAsync();
        var second = await StartNodeAsync();
        using var client = second.CreateClient();

        var rebuilt = new HttpSandbox(client, kept.Id, kept.Key);
        Assert.Equal(findings, HttpSandbox.Ok(await rebuilt.Get("/violations")).Body!.ToJsonString());
        Assert.Equal(pending, HttpSandbox.Ok(await rebuilt.Get("/pending")).Body!.ToJsonString());
        Assert.Equal(HttpStatusCode.Forbidden, (await new HttpSandbox(client, kept.Id, "not-its-key").Get("")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await new HttpSandbox(client, deleted.Id, deleted.Key).Get("")).Status);
    }
}
