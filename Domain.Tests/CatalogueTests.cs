namespace NdisMock.Domain.Tests;

/// <summary>The status and rule catalogues and the journal.</summary>
public sealed class CatalogueTests
{
    [Theory]
    [InlineData("NDIS_STATUS_SUCCESS", 0x00000000u)]
    [InlineData("NDIS_STATUS_PENDING", 0x00000103u)]
    [InlineData("NDIS_STATUS_NOT_ACCEPTED", 0x00010003u)]
    [InlineData("NDIS_STATUS_FAILURE", 0xC0000001u)]
    [InlineData("NDIS_STATUS_RESOURCES", 0xC000009Au)]
    [InlineData("NDIS_STATUS_NOT_SUPPORTED", 0xC00000BBu)]
    [InlineData("NDIS_STATUS_CLOSING", 0xC0010002u)]
    [InlineData("NDIS_STATUS_INVALID_DATA", 0xC0010015u)]
    [InlineData("NDIS_STATUS_SAP_IN_USE", 0xC0010021u)]
    [InlineData("NDIS_STATUS_CELLRATE_NOT_AVAILABLE", 0xC0010026u)]
    [InlineData("NDIS_STATUS_INCOMPATABLE_QOS", 0xC0010027u)]
    [InlineData("NDIS_STATUS_NO_ROUTE_TO_DESTINATION", 0xC0010029u)]
    [InlineData("NDIS_STATUS_INVALID_STATE", 0xC0000184u)]
    [InlineData("NDIS_STATUS_MEDIA_DISCONNECTED", 0xC023001Fu)]
    public void Statuses_CarryTheirWdkValues_AndParseFromNameOrHex(string name, uint code)
    {
        Assert.True(NdisStatuses.TryParse(name, out var byName));
        Assert.True(NdisStatuses.TryParse($"0x{code:X8}", out var byHex));
        Assert.True(NdisStatuses.TryParse(name.ToLowerInvariant(), out var byLowerName));

        Assert.Equal(code, byName.Code);
        Assert.Equal(byName, byHex);
        Assert.Equal(byName, byLowerName);
        Assert.Equal($"0x{code:X8}", byName.Hex);
    }

    [Theory]
    [InlineData("")]
    [InlineData("NDIS_STATUS_MADE_UP")]
    [InlineData("0xC000")]
    [InlineData("0xDEADBEEF")]
    [InlineData("C0000001")]
    [InlineData("0xC0000001 trailing")]
    public void UnknownStatuses_AreNotParsed(string text) => Assert.False(NdisStatuses.TryParse(text, out _));

    [Fact]
    public void StatusCodes_AreUnique() =>
        Assert.Equal(NdisStatuses.All.Count, NdisStatuses.All.Select(s => s.Code).Distinct().Count());

    [Fact]
    public void RuleCatalogue_HoldsEveryViolationIdOfCondisSection6_2()
    {
        string[] condis =
        [
            "V-CMP-01", "V-CMP-02", "V-CMP-03", "V-CMP-04", "V-CMP-05", "V-CMP-06", "V-CMP-07", "V-ROLE-01", "V-IRQL-01",
            "V-AF-01", "V-AF-02", "V-AF-03", "V-AF-04", "V-AF-05", "V-SAP-01", "V-SAP-02",
            "V-VC-01", "V-VC-02", "V-VC-03", "V-VC-04", "V-VC-05", "V-VC-06", "V-VC-07", "V-VC-08", "V-VC-09",
            "V-CALL-01", "V-CALL-02", "V-CALL-03", "V-CALL-04", "V-CALL-05", "V-CALL-06", "V-CALL-07", "V-CALL-08",
            "V-CALL-09", "V-CALL-10", "V-CALL-11", "V-CALL-12",
            "V-PTY-01", "V-PTY-02", "V-PTY-03", "V-PTY-04", "V-PTY-05", "V-PTY-06", "V-OID-01", "V-OID-02",
        ];

        Assert.All(condis, id => Assert.NotNull(Rules.Find(id)));
        Assert.Equal(Rules.All.Count, Rules.All.Select(r => r.Id).Distinct().Count());
        Assert.All(Rules.All.Where(r => !condis.Contains(r.Id)), r => Assert.StartsWith("NdisMock:", r.Summary, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryRule_IsConsistentWithItsSeverity()
    {
        Assert.All(Rules.All, rule =>
        {
            Assert.False(string.IsNullOrWhiteSpace(rule.Reference));
            switch (rule.Severity)
            {
                case Severity.Error:
                    Assert.NotEqual(Refusal.None, rule.Refusal);
                    Assert.Null(rule.Result);
                    break;
                case Severity.Reject:
                    Assert.Equal(Refusal.None, rule.Refusal);
                    Assert.NotNull(rule.Result);
                    break;
                default:
                    Assert.Equal((Refusal.None, (NdisStatus?)null), (rule.Refusal, rule.Result));
                    break;
            }
        });
    }

    [Fact]
    public void RulesThisModelCannotBreak_SayWhy()
    {
        var undetectable = Rules.All.Where(r => r.NotDetectedBecause is not null).Select(r => r.Id).Order();

        Assert.Equal(["V-AF-05", "V-CALL-05", "V-IRQL-01", "V-OID-01", "V-OID-02", "V-ROLE-01", "V-VC-06"], undetectable);
    }

    [Fact]
    public void Journal_IsGapFree_AndKeepsOnlyTheNewestEvents()
    {
        var journal = new Journal(3);
        for (var i = 0; i < 5; i++)
        {
            journal.Append(new NdisEvent { Name = EventName.NdisCoCreateVc, Role = Role.Client }, DateTimeOffset.UnixEpoch);
        }

        Assert.Equal((5L, 3L, 3), (journal.LastSequence, journal.FirstRetained, journal.Count));
        Assert.Equal([3L, 4L, 5L], journal.After(0, 10).Select(e => e.Sequence));
        Assert.Equal([5L], journal.After(4, 10).Select(e => e.Sequence));
        Assert.Equal([3L], journal.After(1, 1).Select(e => e.Sequence));
        Assert.Empty(journal.After(5, 10));
    }

    [Fact]
    public void SandboxJournal_IsBoundedByItsCapacity()
    {
        var sandbox = new Sandbox(new SandboxOptions { JournalCapacity = 8 });
        for (var i = 0; i < 10; i++)
        {
            sandbox.ClientVc(sandbox.OpenAf($"af{i}"));
        }

        var events = sandbox.GetEvents(0);
        Assert.Equal(8, events.Count);
        Assert.Equal(sandbox.LastSequence, events[^1].Sequence);
        Assert.Equal(sandbox.LastSequence - 7, sandbox.OldestEventKept);
        Assert.True(events.Zip(events.Skip(1)).All(p => p.Second.Sequence == p.First.Sequence + 1));
    }

    [Fact]
    public void EventAppended_SeesEveryEvent_InOrder()
    {
        var sandbox = Given.Sandbox();
        var seen = new List<long>();
        sandbox.EventAppended += e => seen.Add(e.Sequence);
        var start = sandbox.LastSequence;

        sandbox.ConnectedCall();

        Assert.Equal(sandbox.GetEvents(start).Select(e => e.Sequence), seen);
    }

    [Fact]
    public async Task ConcurrentTurns_OnOneSandbox_NeverTearItsState()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        var start = sandbox.LastSequence;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                var vc = sandbox.ClientVc(af);
                Given.Ok(sandbox.NdisCoDeleteVc(vc));
            }
        })));

        var events = sandbox.GetEvents(start);
        Assert.Equal(8 * 200 * 4, events.Count);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => start + i), events.Select(e => e.Sequence));
        Assert.Empty(sandbox.GetSnapshot().Vcs);
    }

    [Fact]
    public void DomainProject_HasNoPackageReferences()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "NdisMock.sln")))
        {
            root = root.Parent;
        }

        var project = File.ReadAllText(Path.Combine(root!.FullName, "Domain", "Domain.csproj"));

        Assert.DoesNotContain("PackageReference", project, StringComparison.Ordinal);
    }
}
