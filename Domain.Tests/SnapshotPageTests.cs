namespace NdisMock.Domain.Tests;

/// <summary>GetSnapshotPage: the VCs in the order their handles were issued, a page at a time, whatever was deleted between.</summary>
public sealed class SnapshotPageTests
{
    [Fact]
    public void Pages_SkipDeletedVcs_AndEndWhereTheLastLiveOneIs()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        var vcs = Enumerable.Range(1, 10).Select(i => sandbox.ClientVc(af, $"vc{i}")).ToArray();
        foreach (var gone in new[] { 3, 4, 7, 10 })
        {
            Assert.Equal(OutcomeKind.Completed, sandbox.NdisCoDeleteVc(vcs[gone - 1]).Kind);
        }

        var pages = new List<string[]>();
        string? after = null;
        do
        {
            var (snapshot, next, _) = sandbox.GetSnapshotPage(after, 3);
            pages.Add([.. snapshot.Vcs.Select(v => v.NdisVcHandle)]);
            after = next;
        }
        while (after is not null);

        Assert.Equal([[vcs[0], vcs[1], vcs[4]], [vcs[5], vcs[7], vcs[8]]], pages);
    }

    [Fact]
    public void AfterManyVcsCameAndWent_APageIsStillTheLiveOnesInIssueOrder()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        var kept = new List<string>();
        for (var i = 0; i < 2_000; i++)
        {
            var vc = sandbox.ClientVc(af, $"vc{i}");
            if (i % 100 == 0)
            {
                kept.Add(vc);
            }
            else
            {
                sandbox.NdisCoDeleteVc(vc);
            }
        }

        var (first, next, _) = sandbox.GetSnapshotPage(null, 15);
        var (rest, end, _) = sandbox.GetSnapshotPage(next, 15);

        Assert.Equal(kept, first.Vcs.Select(v => v.NdisVcHandle).Concat(rest.Vcs.Select(v => v.NdisVcHandle)));
        Assert.Null(end);
    }
}
