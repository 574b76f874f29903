using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NdisMock.Api.Tests.Durable;

/// <summary>
/// The seed flow in two halves, for tests that interrupt it: the first half leaves a connected call whose close the MCM
/// completes by itself two seconds later (a pending request with its due time); the second half waits for that
/// completion and tears everything down on the same handles.
/// </summary>
internal static partial class SeedFlow
{
    public const string Success = "NDIS_STATUS_SUCCESS";

    public sealed record Handles(string Af, string Vc);

    public static async Task<Handles> FirstHalfAsync(HttpSandbox sandbox)
    {
        HttpSandbox.Ok(await sandbox.Put("/behaviors/ProtocolCmCloseCall", new { mode = "Pend", status = Success, completeAfter = "00:00:02" }));
        var af = HttpSandbox.Ok(await sandbox.Post("/client/address-families", new { addressFamily = "CO_ADDRESS_FAMILY_Q2931", clientAfContext = "seed-af" }))["ndisAfHandle"]!;
        var vc = HttpSandbox.Ok(await sandbox.Post($"/client/address-families/{af}/vcs", new { protocolVcContext = "seed-vc" }))["ndisVcHandle"]!;
        var made = await sandbox.Post($"/client/vcs/{vc}/call", new { });
        Assert.Equal(HttpStatusCode.Accepted, made.Status);
        HttpSandbox.Ok(await sandbox.Post($"/pending/{made["pendingOperationId"]}/complete", new { status = Success }));
        var closing = await sandbox.Post($"/client/vcs/{vc}/call/close", new { });
        Assert.Equal(HttpStatusCode.Accepted, closing.Status);
        return new Handles(af, vc);
    }

    public static async Task SecondHalfAsync(HttpSandbox sandbox, Handles handles)
    {
        var closed = HttpSandbox.Ok(await sandbox.Get("/events?name=ProtocolClCloseCallComplete&wait=00:00:30"));
        Assert.Equal(Success, (string?)Assert.Single(closed.Body!["events"]!.AsArray())!["status"]);
        HttpSandbox.Ok(await sandbox.Delete($"/client/vcs/{handles.Vc}"));
        HttpSandbox.Ok(await sandbox.Delete($"/client/address-families/{handles.Af}"));
    }

    /// <summary>
    /// The sandbox's journal, as text to compare with another sandbox's: its handle tag and id replaced, and the
    /// timestamps left out (a completion the MCM makes by itself is stamped when the timer fires, in any run).
    /// </summary>
    public static async Task<string> JournalAsync(HttpSandbox sandbox, Handles handles)
    {
        var events = HttpSandbox.Ok(await sandbox.Get("/events?after=0&limit=1000")).Body!["events"]!.AsArray();
        foreach (var e in events)
        {
            e!.AsObject().Remove("timestamp");
        }

        var tag = handles.Af.Split('-')[1];
        return events.ToJsonString().Replace(tag, "TAG", StringComparison.Ordinal).Replace(sandbox.Id, "SANDBOX", StringComparison.Ordinal);
    }

    /// <summary>Every NDIS call and callback of the flow, in order, so that the comparison cannot pass on two empty journals.</summary>
    public static IReadOnlyList<string> Names(string journal) =>
        [.. JsonNode.Parse(journal)!.AsArray().Select(e => (string)e!["name"]!)];

    [GeneratedRegex("^[a-z]+-[A-Za-z0-9]+-[0-9]+$")]
    public static partial Regex HandleShape();
}
