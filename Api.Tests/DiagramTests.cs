using System.Net;
using System.Text.RegularExpressions;

namespace NdisMock.Api.Tests;

/// <summary>GetSequenceDiagram: the journal as Mermaid text, checked line by line against the journal, and by Mermaid's own parser.</summary>
public sealed partial class DiagramTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    [Fact]
    public async Task SeedFlow_IsOneArrowPerJournalEvent_InOrder_FromCallerToCallee_WithFunctionAndStatus()
    {
        var sandbox = await app.NewSandboxAsync();
        var (made, closed) = await SeedFlowAsync(sandbox);

        var reply = await sandbox.GetTextAsync("/diagram", "text/vnd.mermaid");
        var diagram = Diagram.Parse(reply.Text);
        var journal = await sandbox.EventsAsync(0);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("text/vnd.mermaid", reply.MediaType);
        Assert.Equal("sequenceDiagram", diagram.Lines[0]);
        Assert.Equal(["Client", "NDIS", "MCM", "Network"], diagram.Participants);
        Assert.Equal(journal.Select(e => (long)e!["sequence"]!), diagram.Arrows.Select(a => a.Sequence));
        foreach (var (arrow, e) in diagram.Arrows.Zip(journal))
        {
            var name = (string)e!["name"]!;
            Assert.Equal(name, arrow.Name);
            Assert.Equal(((string?)e["status"])?.Replace("NDIS_STATUS_", "", StringComparison.Ordinal), arrow.Status);
            var expected = name.StartsWith("NdisMCm", StringComparison.Ordinal) ? ("MCM", "NDIS")
                : name.StartsWith("Ndis", StringComparison.Ordinal) ? ("Client", "NDIS")
                : name.StartsWith("ProtocolCm", StringComparison.Ordinal) || string.Equals((string?)e["role"], "mcm", StringComparison.OrdinalIgnoreCase) ? ("NDIS", "MCM")
                : ("NDIS", "Client");
            Assert.Equal(expected, (arrow.From, arrow.To));
        }

        // The pended make call holds the MCM until the completion that names it; the same for the close.
        foreach (var op in new[] { made, closed })
        {
            var pends = diagram.IndexOf(l => l.Contains("pends " + op, StringComparison.Ordinal));
            var closes = diagram.IndexOf(l => l.Contains("closes " + op, StringComparison.Ordinal));
            Assert.True(pends > 0 && closes > pends, diagram.Text);
            Assert.Equal("activate MCM", diagram.Lines[pends + 1]);
            Assert.Equal("deactivate MCM", diagram.Lines[closes + 1]);
            Assert.StartsWith("NDIS->>MCM: ", diagram.Lines[pends], StringComparison.Ordinal);
            Assert.StartsWith("MCM->>NDIS: ", diagram.Lines[closes], StringComparison.Ordinal);
        }

        Assert.Contains("NDIS->>Client: " + journal[^1]!["sequence"] + " ProtocolClCloseCallComplete: SUCCESS, " + closed, diagram.Text, StringComparison.Ordinal);
        await AssertMermaidParsesAsync(diagram.Text);
    }

    [Fact]
    public async Task Violations_AreNotesRightAfterTheEventTheyFollow_WithTheirRule()
    {
        var sandbox = await app.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync();
        var vc = await sandbox.ConnectedCallAsync(af);
        var before = await sandbox.LastSequenceAsync();
        var refused = await sandbox.Post($"/mcm/vcs/{vc}/make-call-complete", new { status = "NDIS_STATUS_SUCCESS" });  // nothing pended: V-CMP-02
        var rejected = await sandbox.Delete($"/client/vcs/{vc}");                                                   // an active call: V-VC-05

        var violations = await sandbox.ViolationsAsync();
        var diagram = Diagram.Parse((await sandbox.GetTextAsync("/diagram", "text/vnd.mermaid")).Text);

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal(before, (long)refused.Body!["journalSequence"]!);
        Assert.Equal(["V-CMP-02", "V-VC-05"], violations.Select(v => (string?)v!["rule"]));
        Assert.Equal(before, (long)violations[0]!["journalSequence"]!);
        var deleteEvent = before + 1;
        Assert.Equal((deleteEvent, deleteEvent), ((long)violations[1]!["journalSequence"]!, (long)rejected.Body!["violation"]!["journalSequence"]!));

        // Each note sits in its highlighted block right after the arrow of the event it follows.
        foreach (var (rule, follows, over) in new[] { ("V-CMP-02", before, "NDIS,MCM"), ("V-VC-05", deleteEvent, "Client,NDIS") })
        {
            var note = diagram.IndexOf(l => l.StartsWith($"Note over {over}: {rule} ", StringComparison.Ordinal));
            Assert.True(note > 1, diagram.Text);
            Assert.StartsWith("rect ", diagram.Lines[note - 1], StringComparison.Ordinal);
            Assert.Equal("end", diagram.Lines[note + 1]);
            var arrowBefore = diagram.Lines.Take(note).Last(l => Diagram.ArrowLine().IsMatch(l));
            Assert.Equal(follows, Diagram.ParseArrow(arrowBefore).Sequence);
        }

        await AssertMermaidParsesAsync(diagram.Text);
    }

    [Fact]
    public async Task Range_AfterUntilAndMax_SelectTheArrows_AndACompletionOfAnEarlierRequestStaysBalanced()
    {
        var sandbox = await app.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync();
        var vc = await sandbox.CreateVcAsync(af);
        var made = await sandbox.Post($"/client/vcs/{vc}/call");
        var after = await sandbox.LastSequenceAsync();           // the pend is before the range, its completion inside
        await sandbox.Post($"/pending/{made["pendingOperationId"]}/complete", new { status = "NDIS_STATUS_SUCCESS" });
        var last = await sandbox.LastSequenceAsync();

        var ranged = Diagram.Parse((await sandbox.GetTextAsync($"/diagram?after={after}&until={last - 1}", "text/vnd.mermaid")).Text);
        var capped = Diagram.Parse((await sandbox.GetTextAsync("/diagram?max=3", "text/vnd.mermaid")).Text);
        var badMax = await sandbox.Get("/diagram?max=0");

        Assert.Equal(Enumerable.Range((int)after + 1, (int)(last - 1 - after)).Select(i => (long)i), ranged.Arrows.Select(a => a.Sequence));
        Assert.DoesNotContain(ranged.Lines, l => l.StartsWith("deactivate", StringComparison.Ordinal));
        Assert.Equal([1L, 2L, 3L], capped.Arrows.Select(a => a.Sequence));
        Assert.Equal(HttpStatusCode.BadRequest, badMax.Status);
        await AssertMermaidParsesAsync(ranged.Text, capped.Text);
    }

    [Fact]
    public async Task NetworkRejection_IsAnArrowFromTheNetwork_BeforeTheCompletionItCaused()
    {
        var sandbox = await app.NewSandboxAsync();
        HttpSandbox.Ok(await sandbox.Put("/routes/+15550100", new { outcome = "Busy" }));
        var af = await sandbox.OpenAfAsync();
        var vc = await sandbox.CreateVcAsync(af);
        await sandbox.PostJson($"/client/vcs/{vc}/call", CallTo("+15550100"));

        var diagram = Diagram.Parse((await sandbox.GetTextAsync("/diagram", "text/vnd.mermaid")).Text);

        var network = diagram.IndexOf(l => l.StartsWith("Network--)MCM: rejected, cause 17", StringComparison.Ordinal));
        Assert.True(network > 0, diagram.Text);
        Assert.Matches(@"^NDIS->>MCM: \d+ ProtocolCmMakeCall: FAILURE, cause 17$", diagram.Lines[network + 1]);
        Assert.Equal((await sandbox.EventsAsync(0)).Count, diagram.Arrows.Count);
        await AssertMermaidParsesAsync(diagram.Text);
    }

    /// <summary>Mermaid's own parser (npm mermaid, the renderer of GitHub and GitLab) accepts every diagram.</summary>
    internal static Task AssertMermaidParsesAsync(params string[] diagrams) => AssertMermaidParsesAsync("sequence", diagrams);

    /// <summary>Mermaid's own parser reads every diagram as one of type <paramref name="diagramType"/> (its name for it: sequence, stateDiagram).</summary>
    internal static async Task AssertMermaidParsesAsync(string diagramType, string[] diagrams)
    {
        Node.Require("mermaid");
        Node.Require("jsdom");
        var files = new List<string>();
        try
        {
            foreach (var text in diagrams)
            {
                var file = Path.Combine(Path.GetTempPath(), $"ndismock-diagram-{Guid.NewGuid():N}.mmd");
                await File.WriteAllTextAsync(file, text);
                files.Add(file);
            }

            var (exit, output, errors) = await Node.RunAsync(["parse-mermaid.mjs", .. files]);
            Assert.True(exit == 0, errors + output);
            Assert.Equal(diagrams.Length, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith(diagramType + " ", StringComparison.Ordinal)));
        }
        finally
        {
            files.ForEach(File.Delete);
        }
    }

    private static async Task<(string Made, string Closed)> SeedFlowAsync(HttpSandbox sandbox)
    {
        var af = await sandbox.OpenAfAsync();
        var vc = await sandbox.CreateVcAsync(af, "my-vc");
        var made = (await sandbox.Post($"/client/vcs/{vc}/call"))["pendingOperationId"]!;
        HttpSandbox.Ok(await sandbox.Post($"/pending/{made}/complete", new { status = "NDIS_STATUS_SUCCESS" }));
        var closed = (await sandbox.Post($"/client/vcs/{vc}/call/close"))["pendingOperationId"]!;
        HttpSandbox.Ok(await sandbox.Post($"/mcm/vcs/{vc}/close-call-complete", new { status = "NDIS_STATUS_SUCCESS" }));
        return (made, closed);
    }

    private static string CallTo(string number) => """{"callParameters":{"flags":[],"callMgrParameters":{"transmit":{"tokenRate":0,"tokenBucketSize":9188,"peakBandwidth":0,"latency":0,"delayVariation":0,"serviceType":2,"maxSduSize":9188,"minimumPolicedSize":0},"receive":{"tokenRate":0,"tokenBucketSize":9188,"peakBandwidth":0,"latency":0,"delayVariation":0,"serviceType":2,"maxSduSize":9188,"minimumPolicedSize":0},"q2931":{"calledParty":{"addressType":"E164","address":"NUMBER"}}}}}""".Replace("NUMBER", number, StringComparison.Ordinal);
}

/// <summary>A Mermaid sequence diagram read back: its lines (trimmed), participants and solid arrows.</summary>
internal sealed partial record Diagram(string Text, IReadOnlyList<string> Lines, IReadOnlyList<string> Participants, IReadOnlyList<DiagramArrow> Arrows)
{
    public static Diagram Parse(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
        return new Diagram(text, lines,
            [.. lines.Where(l => l.StartsWith("participant ", StringComparison.Ordinal)).Select(l => l["participant ".Length..])],
            [.. lines.Where(l => ArrowLine().IsMatch(l)).Select(ParseArrow)]);
    }

    public int IndexOf(Func<string, bool> match) => Lines.ToList().FindIndex(l => match(l));

    public static DiagramArrow ParseArrow(string line)
    {
        var m = ArrowLine().Match(line);
        return new DiagramArrow(m.Groups["from"].Value, m.Groups["to"].Value, long.Parse(m.Groups["seq"].Value, System.Globalization.CultureInfo.InvariantCulture),
            m.Groups["name"].Value, m.Groups["status"].Success ? m.Groups["status"].Value : null);
    }

    [GeneratedRegex(@"^(?<from>\w+)->>(?<to>\w+): (?<seq>\d+) (?<name>\w+)(: (?<status>[A-Z0-9_]+))?")]
    public static partial Regex ArrowLine();
}

internal sealed record DiagramArrow(string From, string To, long Sequence, string Name, string? Status);

internal static class TextRequests
{
    /// <summary>A GET of the sandbox with an Accept header, read as text.</summary>
    public static async Task<(HttpStatusCode Status, string MediaType, string Text)> GetTextAsync(this HttpSandbox sandbox, string relative, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(sandbox.Path(relative), UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Accept", accept);
        request.Headers.Add("X-Sandbox-Key", sandbox.Key);
        using var response = await sandbox.Http.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType ?? "", await response.Content.ReadAsStringAsync());
    }
}
