using System.Text.Json;
using System.Text.Json.Serialization;

namespace NdisMock.Domain.Tests;

/// <summary>Builds sandboxes and the usual steps before the step under test, and reads their journals.</summary>
internal static class Given
{
    public static readonly Sap AtmSap = new(SapType.Nsap, "47.0005.80FFE1000000F21A3D40.0020481A3D40.00");

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>A sandbox; on <paramref name="time"/>, hosted the way the server hosts one (its due completions armed on that clock).</summary>
    public static Sandbox Sandbox(McmDuties duties = McmDuties.Auto, Strictness strictness = Strictness.Strict, TimeProvider? time = null, AdapterProfile? profile = null)
    {
        var sandbox = new Sandbox(new SandboxOptions { Duties = duties, Strictness = strictness, Profile = profile ?? AdapterProfile.AtmOc3 }, time);
        return time is null ? sandbox : TestHost.Arm(sandbox, time);
    }

    public static string OpenAf(this Sandbox sandbox, string context = "af-ctx", CoAddressFamily? family = null) =>
        Handle(sandbox.NdisClOpenAddressFamilyEx(family ?? CoAddressFamily.Q2931, context).NdisAfHandle);

    public static string ClientVc(this Sandbox sandbox, string af, string context = "vc-ctx") =>
        Handle(sandbox.NdisCoCreateVc(af, context).NdisVcHandle);

    /// <summary>An outgoing point-to-point call, connected.</summary>
    public static (string Af, string Vc) ConnectedCall(this Sandbox sandbox)
    {
        var af = sandbox.OpenAf();
        var vc = sandbox.ClientVc(af);
        var made = sandbox.NdisClMakeCall(vc, null, null);
        Ok(sandbox.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success));
        return (af, vc);
    }

    /// <summary>An outgoing multipoint call with <paramref name="parties"/> connected parties.</summary>
    public static (string Vc, string[] Parties) MultipointCall(this Sandbox sandbox, int parties)
    {
        var af = sandbox.OpenAf();
        var vc = sandbox.ClientVc(af);
        var made = sandbox.NdisClMakeCall(vc, null, "party-ctx-1");
        Ok(sandbox.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success));
        var handles = new List<string> { made.NdisPartyHandle! };
        for (var i = 2; i <= parties; i++)
        {
            var added = sandbox.NdisClAddParty(vc, $"party-ctx-{i}", null);
            Ok(sandbox.CompletePendingOperation(added.PendingOperationId!, NdisStatuses.Success));
            handles.Add(added.NdisPartyHandle!);
        }

        return (vc, [.. handles]);
    }

    /// <summary>An incoming call offered on a fresh SAP and MCM-created VC; returns the pending offer.</summary>
    public static (string Af, string Sap, string Vc, Outcome Offer) OfferedCall(this Sandbox sandbox)
    {
        var af = sandbox.OpenAf();
        var sap = Handle(sandbox.NdisClRegisterSap(af, "sap-ctx", AtmSap).NdisSapHandle);
        var vc = Handle(sandbox.NdisMCmCreateVc(af, "mp-vc", "in-vc-ctx").NdisVcHandle);
        if (sandbox.Options.Duties == McmDuties.Manual)
        {
            Ok(sandbox.NdisMCmActivateVc(vc, null));
        }

        var offer = sandbox.NdisMCmDispatchIncomingCall(sap, vc, null);
        Assert.Equal(OutcomeKind.Pended, offer.Kind);
        return (af, sap, vc, offer);
    }

    public static string Handle(string? handle) => handle ?? throw new InvalidOperationException("no handle returned");

    public static Outcome Ok(Outcome outcome)
    {
        Assert.False(outcome.IsRefused, outcome.Violation?.Rule.Id + ": " + outcome.Violation?.Detail);
        return outcome;
    }

    /// <summary>The journal after <paramref name="after"/> as "Name Role STATUS" lines (status omitted when none).</summary>
    public static string[] Trace(this Sandbox sandbox, long after) =>
        [.. sandbox.GetEvents(after).Select(e => $"{e.Name} {e.Role}{(e.Status is { } s ? " " + s.Name.Replace("NDIS_STATUS_", "", StringComparison.Ordinal) : "")}")];

    /// <summary>
    /// Runs a call that must be refused with <paramref name="ruleId"/>, and checks that the sandbox's state and journal
    /// are exactly as before and that the violation was recorded.
    /// </summary>
    public static Outcome Refused(this Sandbox sandbox, string ruleId, Func<Sandbox, Outcome> call)
    {
        var before = JsonSerializer.Serialize(sandbox.GetSnapshot() with { Counters = null!, Now = default }, Json);
        var events = sandbox.LastSequence;
        var violationsBefore = sandbox.GetViolations().Count;

        var outcome = call(sandbox);

        Assert.Equal(OutcomeKind.Refused, outcome.Kind);
        Assert.Equal(ruleId, outcome.Violation!.Rule.Id);
        Assert.Equal(Severity.Error, outcome.Violation.Severity);
        Assert.Equal(events, sandbox.LastSequence);
        Assert.Equal(before, JsonSerializer.Serialize(sandbox.GetSnapshot() with { Counters = null!, Now = default }, Json));
        var recorded = sandbox.GetViolations();
        Assert.Equal(violationsBefore + 1, recorded.Count);
        Assert.Equal(ruleId, recorded[^1].Rule.Id);
        return outcome;
    }

    /// <summary>
    /// Runs a call that real NDIS answers with a documented failure (a Reject rule): the status is the rule's, the
    /// finding is recorded, and nothing but the journal changed.
    /// </summary>
    public static Outcome Rejected(this Sandbox sandbox, string ruleId, NdisStatus status, Func<Sandbox, Outcome> call)
    {
        var before = JsonSerializer.Serialize(sandbox.GetSnapshot() with { Counters = null!, Now = default }, Json);
        var events = sandbox.LastSequence;

        var outcome = call(sandbox);

        Assert.Equal(OutcomeKind.Completed, outcome.Kind);
        Assert.Equal(status, outcome.Status);
        Assert.Equal(ruleId, outcome.Violation!.Rule.Id);
        Assert.Equal(Severity.Reject, outcome.Violation.Severity);
        Assert.Equal(before, JsonSerializer.Serialize(sandbox.GetSnapshot() with { Counters = null!, Now = default }, Json));
        Assert.Equal(ruleId, sandbox.GetViolations()[^1].Rule.Id);
        Assert.Equal(status, sandbox.GetEvents(events)[0].Status);
        return outcome;
    }
}
