namespace NdisMock.Domain.Tests;

/// <summary>The machines' descriptions, which the documentation renders, come from the tables that decide transitions.</summary>
public sealed class StateMachineTests
{
    [Fact]
    public void TheFiveMachines_AreDescribed_WithTheirAnchors() =>
        Assert.Equal(["af", "sap", "vc", "call", "party"], StateMachines.All.Select(m => m.Anchor));

    [Fact]
    public void EveryRefusedRow_NamesARuleOfTheCatalogue_AndHasNoTarget() =>
        Assert.All(StateMachines.All.SelectMany(m => m.Rows).Where(r => r.RuleId is not null), row =>
        {
            Assert.NotNull(Rules.Find(row.RuleId!));
            Assert.Null(row.To);
        });

    [Fact]
    public void EveryState_IsReachedOrLeftByARow() =>
        Assert.All(StateMachines.All, machine => Assert.All(machine.States, state =>
            Assert.Contains(machine.Rows, r => r.From == state || r.To == state)));

    [Fact]
    public void TheCallTable_DecidesWhatItsDescriptionSays()
    {
        var sandbox = Given.Sandbox();
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        var rows = StateMachines.All.Single(m => m.Anchor == "call").Rows;

        // The description refuses a close in Idle with V-CALL-13; so does the sandbox.
        Assert.Contains(rows, r => r is { From: "*", Trigger: "ClosePended", RuleId: "V-CALL-13" });
        sandbox.Refused("V-CALL-13", s => s.NdisClCloseCall(vc, null, null));

        // The description lets a close follow a pending make call; so does the sandbox.
        Assert.Contains(rows, r => r is { From: "MakeCallPending", Trigger: "ClosePended", To: "Closing" } && r.Remark is not null);
        sandbox.NdisClMakeCall(vc, null, null);
        Assert.Equal(OutcomeKind.Pended, Given.Ok(sandbox.NdisClCloseCall(vc, null, null)).Kind);
    }
}
