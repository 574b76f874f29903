namespace NdisMock.Domain.Tests;

/// <summary>Low findings of issue 16 that live in the model: handle spelling, tags, wording after a reset, quotas.</summary>
public sealed class SharedInstanceFindingTests
{
    [Fact]
    public void AZeroPaddedHandleOfALiveVc_IsNotThatVc_ButAnUnknownHandle()
    {
        var sandbox = Given.Sandbox();
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        var padded = vc[..(vc.LastIndexOf('-') + 1)] + "0" + vc[(vc.LastIndexOf('-') + 1)..];

        var refused = sandbox.Refused("V-HDL-01", s => s.NdisCoDeleteVc(padded));

        Assert.Contains(padded, refused.Violation!.Detail, StringComparison.Ordinal);
        Given.Ok(sandbox.NdisCoDeleteVc(vc));
    }

    [Fact]
    public void HandleTags_HaveFortyRandomBits()
    {
        var tags = Enumerable.Range(0, 2000).Select(_ => new Sandbox().NdisClOpenAddressFamilyEx(CoAddressFamily.Q2931, null).NdisAfHandle!.Split('-')[1]).ToList();

        Assert.All(tags, t => Assert.Equal(8, t.Length));
        Assert.Equal(tags.Count, tags.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void CompletingARequestResetForgot_SaysSo_RatherThanAlreadyCompleted()
    {
        var sandbox = Given.Sandbox();
        var made = sandbox.NdisClMakeCall(sandbox.ClientVc(sandbox.OpenAf()), null, null);
        sandbox.Reset();

        var refused = sandbox.Refused("V-CMP-02", s => s.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success));

        Assert.Contains("ResetSandbox", refused.Violation!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void EventsAfterTheLargestSequence_AreNone_WithoutOverflow()
    {
        var sandbox = Given.Sandbox();

        Assert.Empty(sandbox.GetEvents(long.MaxValue));
        Assert.Empty(sandbox.GetEvents(long.MaxValue - 1));
    }

    [Fact]
    public void QuotasOnAddressFamiliesSapsAndParties_RefuseTheNextOne_AndChangeNothing()
    {
        var sandbox = new Sandbox(new SandboxOptions { MaxAddressFamilies = 1, MaxSaps = 1, MaxParties = 1 });
        var af = sandbox.OpenAf();
        Given.Ok(sandbox.NdisClRegisterSap(af, "sap-1", Given.AtmSap));
        var vc = sandbox.ClientVc(af);
        var made = sandbox.NdisClMakeCall(vc, null, "party-1");
        Given.Ok(sandbox.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success));

        // Refused checks that the snapshot and the journal are as they were.
        sandbox.Refused("V-QUOTA-03", s => s.NdisClOpenAddressFamilyEx(CoAddressFamily.Tapi, "af-2"));
        sandbox.Refused("V-QUOTA-04", s => s.NdisClRegisterSap(af, "sap-2", new Sap(SapType.Nsap, "47.02")));
        sandbox.Refused("V-QUOTA-05", s => s.NdisClAddParty(vc, "party-2", null));
    }
}
