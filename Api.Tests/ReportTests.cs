using System.Globalization;
using System.Net;
using System.Xml.Linq;
using NdisMock.Domain;

namespace NdisMock.Api.Tests;

/// <summary>GetReport: the verdict in JSON, and the same as JUnit XML that a CI system reads as a test report.</summary>
public sealed class ReportTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    [Fact]
    public async Task ATidyFlow_Passes_WithNoLeak_AndCountsEachOperationByStatus()
    {
        var sandbox = await app.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync();
        var vc = await sandbox.ConnectedCallAsync(af);
        var close = await sandbox.Post($"/client/vcs/{vc}/call/close");
        HttpSandbox.Ok(await sandbox.Post($"/pending/{close["pendingOperationId"]}/complete", new { status = "NDIS_STATUS_SUCCESS" }));
        HttpSandbox.Ok(await sandbox.Delete($"/client/vcs/{vc}"));
        HttpSandbox.Ok(await sandbox.Delete($"/client/address-families/{af}"));

        var report = (await sandbox.Get("/report")).Body!;
        var junit = JUnit(await sandbox.GetTextAsync("/report", "application/xml"));

        Assert.True((bool)report["passed"]!, report.ToJsonString());
        Assert.Empty(report["failingRules"]!.AsArray());
        Assert.Empty(report["leaks"]!.AsArray());
        var makeCall = report["operations"]!.AsArray().Single(o => (string?)o!["name"] == "NdisClMakeCall")!;
        Assert.Equal((1, 1), ((int)makeCall["count"]!, (int)makeCall["statuses"]!["NDIS_STATUS_PENDING"]!));
        Assert.Equal(Rules.All.Count(r => r.NotDetectedBecause is null), (int)report["rulesChecked"]!);
        Assert.Equal(0, junit.Failures);
        Assert.Equal(Rules.All.Count + 1, junit.Cases.Count);
        Assert.Contains(junit.Cases, c => c.ClassName == "NdisMock.Leaks" && c.Outcome == "passed");
    }

    [Fact]
    public async Task BrokenRulesAndObjectsLeftOpen_Fail_GroupedByRule_WithTheSequenceThatCreatedEachObject()
    {
        var sandbox = await app.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync();
        var connected = await sandbox.ConnectedCallAsync(af);
        var waiting = await sandbox.CreateVcAsync(af, "waiting");
        var pended = (await sandbox.Post($"/client/vcs/{waiting}/call"))["pendingOperationId"]!;
        await sandbox.Delete($"/client/vcs/{connected}");                                       // V-VC-05, twice
        await sandbox.Delete($"/client/vcs/{connected}");
        await sandbox.Post($"/mcm/vcs/{connected}/make-call-complete", new { status = "NDIS_STATUS_SUCCESS" });  // V-CMP-02
        var journal = await sandbox.EventsAsync(0);
        long Created(string name, string field, string value) =>
            (long)journal.First(e => (string?)e!["name"] == name && (string?)e[field] == value)!["sequence"]!;

        var report = (await sandbox.Get("/report")).Body!;
        var junit = JUnit(await sandbox.GetTextAsync("/report", "application/xml"));

        Assert.False((bool)report["passed"]!);
        Assert.Equal(["V-CMP-02", "V-VC-05", "leaks"], report["failingRules"]!.AsArray().Select(r => (string?)r));
        var deleted = report["violations"]!.AsArray().Single(v => (string?)v!["rule"] == "V-VC-05")!;
        Assert.Equal((2, "Reject", true), ((int)deleted["count"]!, (string?)deleted["severity"], (bool)deleted["fails"]!));
        Assert.Equal("https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscodeletevc", (string?)deleted["referenceUrl"]);
        Assert.Equal(2, deleted["journalSequences"]!.AsArray().Count);

        var leaks = report["leaks"]!.AsArray().Select(l => ((string?)l!["kind"], (string?)l["handle"], (long?)l["createdAtSequence"])).ToList();
        Assert.Equal(
            [
                ("AddressFamily", af, Created("NdisClOpenAddressFamilyEx", "ndisAfHandle", af)),
                ("Vc", connected, Created("NdisCoCreateVc", "ndisVcHandle", connected)),
                ("Call", connected, Created("NdisClMakeCall", "ndisVcHandle", connected)),
                ("Vc", waiting, Created("NdisCoCreateVc", "ndisVcHandle", waiting)),
                ("Call", waiting, Created("NdisClMakeCall", "ndisVcHandle", waiting)),
                ("PendingOperation", pended, Created("ProtocolCmMakeCall", "pendingOperationId", pended)),
            ],
            leaks);

        // JUnit: one case per rule (these two failed, with their rule as the failure type) and one failed case per leak.
        Assert.Equal(Rules.All.Count + leaks.Count, junit.Cases.Count);
        Assert.Equal(2 + leaks.Count, junit.Failures);
        Assert.Equal(["V-CMP-02", "V-VC-05"], junit.Cases.Where(c => c.ClassName == "NdisMock.Rules" && c.Outcome == "failure").Select(c => c.Type));
        Assert.Equal(leaks.Count, junit.Cases.Count(c => c.ClassName == "NdisMock.Leaks" && c.Outcome == "failure"));
        Assert.Equal(Rules.All.Count(r => r.NotDetectedBecause is not null), junit.Cases.Count(c => c.Outcome == "skipped"));
        Assert.Contains(junit.Cases, c => c.Name.StartsWith($"Vc {waiting} left open", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Warnings_AreToldButDoNotFail()
    {
        var sandbox = await app.NewSandboxAsync(new { duties = "Manual", strictness = "Lenient" });
        var af = await sandbox.OpenAfAsync();
        var vc = await sandbox.CreateVcAsync(af);
        await sandbox.Post($"/client/vcs/{vc}/call");
        HttpSandbox.Ok(await sandbox.Post($"/mcm/vcs/{vc}/activate", new { }));
        HttpSandbox.Ok(await sandbox.Post($"/mcm/vcs/{vc}/make-call-complete", new { status = "NDIS_STATUS_SUCCESS" }));
        await sandbox.Post($"/client/vcs/{vc}/call/close");
        var warned = HttpSandbox.Ok(await sandbox.Post($"/mcm/vcs/{vc}/close-call-complete", new { status = "NDIS_STATUS_SUCCESS" }));  // still active: V-CALL-03 warning
        HttpSandbox.Ok(await sandbox.Post($"/mcm/vcs/{vc}/deactivate"));
        HttpSandbox.Ok(await sandbox.Delete($"/client/vcs/{vc}"));
        HttpSandbox.Ok(await sandbox.Delete($"/client/address-families/{af}"));

        var report = (await sandbox.Get("/report")).Body!;
        var junit = JUnit(await sandbox.GetTextAsync("/report", "application/xml"));

        Assert.Equal("V-CALL-03", (string?)warned.Body!["warnings"]![0]!["rule"]);
        Assert.True((bool)report["passed"]!, report.ToJsonString());
        var warning = Assert.Single(report["violations"]!.AsArray())!;
        Assert.Equal(("V-CALL-03", "Warning", false), ((string?)warning["rule"], (string?)warning["severity"], (bool)warning["fails"]!));
        Assert.Equal(0, junit.Failures);
        var rule = junit.Cases.Single(c => c.Name.StartsWith("V-CALL-03 ", StringComparison.Ordinal));
        Assert.Equal("passed", rule.Outcome);
        Assert.StartsWith("Warnings (not failed): 1 × Warning in NdisMCmCloseCallComplete", rule.SystemOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Xml_OnlyWhenAcceptPrefersIt()
    {
        var sandbox = await app.NewSandboxAsync();

        var json = await sandbox.GetTextAsync("/report", "application/json, application/xml;q=0.5");
        var xml = await sandbox.GetTextAsync("/report", "text/html, application/xml;q=0.9, */*;q=0.8");

        Assert.Equal(("application/json", "application/xml"), (json.MediaType, xml.MediaType));
    }

    /// <summary>
    /// Reads a JUnit XML answer the way CI reporters do and checks what they rely on: testsuites > testsuite > testcase, counts
    /// that add up at both levels, a name and classname on each case, at most one outcome element, a message on each failure,
    /// and a timestamp without an offset (the JUnit schema's xs:dateTime).
    /// </summary>
    internal static JUnitRun JUnit((HttpStatusCode Status, string MediaType, string Text) reply)
    {
        Assert.Equal((HttpStatusCode.OK, "application/xml"), (reply.Status, reply.MediaType));
        var root = XDocument.Parse(reply.Text).Root!;
        Assert.Equal("testsuites", root.Name.LocalName);
        var suite = Assert.Single(root.Elements("testsuite"));
        var cases = suite.Elements("testcase").Select(c =>
        {
            var outcomes = c.Elements().Where(e => e.Name.LocalName is "failure" or "error" or "skipped").ToList();
            Assert.True(outcomes.Count <= 1, c.ToString());
            Assert.False(string.IsNullOrEmpty((string?)c.Attribute("name")) || string.IsNullOrEmpty((string?)c.Attribute("classname")), c.ToString());
            Assert.True(outcomes.All(o => o.Name.LocalName == "skipped" || !string.IsNullOrEmpty((string?)o.Attribute("message"))), c.ToString());
            return new JUnitCase((string)c.Attribute("classname")!, (string)c.Attribute("name")!, outcomes.FirstOrDefault()?.Name.LocalName ?? "passed",
                (string?)outcomes.FirstOrDefault()?.Attribute("type"), (string?)c.Element("system-out") ?? "");
        }).ToList();
        foreach (var level in new[] { root, suite })
        {
            Assert.Equal(cases.Count, (int)level.Attribute("tests")!);
            Assert.Equal(cases.Count(c => c.Outcome == "failure"), (int)level.Attribute("failures")!);
            Assert.Equal(cases.Count(c => c.Outcome == "error"), (int)level.Attribute("errors")!);
            Assert.Equal(cases.Count(c => c.Outcome == "skipped"), (int)level.Attribute("skipped")!);
            Assert.True(double.TryParse((string?)level.Attribute("time"), NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        }

        Assert.True(DateTime.TryParseExact((string?)suite.Attribute("timestamp"), "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _));
        Assert.Equal(cases.Count, cases.Select(c => (c.ClassName, c.Name)).Distinct().Count());
        return new JUnitRun(cases, cases.Count(c => c.Outcome == "failure"));
    }
}

internal sealed record JUnitCase(string ClassName, string Name, string Outcome, string? Type, string SystemOut);

internal sealed record JUnitRun(IReadOnlyList<JUnitCase> Cases, int Failures);
