using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Time.Testing;

namespace NdisMock.Domain.Tests;

/// <summary>
/// A turn that throws for any reason rolls back like a refusal (issue 16): a failure injected mid-turn, after the turn
/// has changed objects, the ledger, the link and the journal, leaves the snapshot, the journal and the findings as they
/// were, and the sandbox goes on working.
/// </summary>
public sealed class RollbackTests
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    [Fact]
    public void AHostThatCannotArmTheDueTime_MidMakeCall_LeavesNoPendingRequestNoReservationAndNoEvent()
    {
        var sandbox = Given.Sandbox();
        var (vc, _) = sandbox.MultipointCall(2);
        var next = sandbox.ClientVc(sandbox.OpenAf("second"));
        Assert.Null(sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, new HandlerBehavior(BehaviorMode.Pend, NdisStatuses.Success, TimeSpan.FromSeconds(5))));
        var before = State(sandbox);
        var failing = true;
        sandbox.NextDueChanged += _ =>
        {
            if (failing)
            {
                throw new InjectedFailure();
            }
        };

        // The make call reserves on the link, pends with a due time and journals its events; the host then cannot arm.
        Assert.Throws<InjectedFailure>(() => sandbox.NdisClMakeCall(next, null, "party-x"));

        Assert.Equal(before, State(sandbox));
        Assert.Null(sandbox.NextDue);
        failing = false;
        Assert.Equal(OutcomeKind.Pended, sandbox.NdisClMakeCall(next, null, "party-x").Kind);
        Assert.NotNull(sandbox.NextDue);
        Assert.NotNull(vc);
    }

    [Fact]
    public void ASubscriberThatThrows_AfterTheFirstEventOfATurn_LeavesTheJournalAndTheObjectsAsTheyWere()
    {
        var sandbox = Given.Sandbox();
        var (af, vc) = sandbox.ConnectedCall();
        var before = State(sandbox);
        var armed = true;
        void Throw(NdisEvent e)
        {
            if (armed && e.Name == EventName.ProtocolCmCloseCall)
            {
                throw new InjectedFailure();
            }
        }

        sandbox.EventAppended += Throw;

        // NdisClCloseCall appends its call event, then the handler's: the failure comes between the two.
        Assert.Throws<InjectedFailure>(() => sandbox.NdisClCloseCall(vc, null, null));

        Assert.Equal(before, State(sandbox));
        armed = false;
        Assert.Equal(OutcomeKind.Pended, sandbox.NdisClCloseCall(vc, null, null).Kind);
        Assert.NotNull(af);
    }

    [Fact]
    public void AFailingTurnInAFullJournal_PutsBackTheOldestEventsItsAppendsOverwrote()
    {
        var sandbox = new Sandbox(new SandboxOptions { JournalCapacity = 8 });
        var (_, vc) = sandbox.ConnectedCall();
        var kept = sandbox.GetEvents(0);
        Assert.True(sandbox.LastSequence > 8);
        Assert.Equal(8, kept.Count);
        sandbox.EventAppended += e =>
        {
            if (e.Name == EventName.ProtocolCmCloseCall)
            {
                throw new InjectedFailure();
            }
        };

        // The call's event overwrites the oldest kept one before the failure: the whole of it must come back.
        Assert.Throws<InjectedFailure>(() => sandbox.NdisClCloseCall(vc, null, null));

        Assert.Equal(kept, sandbox.GetEvents(0));
        Assert.Equal(kept[^1].Sequence, sandbox.LastSequence);
    }

    [Fact]
    public void AFailureMidCompletion_KeepsTheRequestPending_AndItsDueTimeArmed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var sandbox = Given.Sandbox(time: time);
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        Assert.Null(sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, new HandlerBehavior(BehaviorMode.Pend, NdisStatuses.Success, TimeSpan.FromSeconds(5))));
        var made = sandbox.NdisClMakeCall(vc, null, null);
        var due = sandbox.NextDue;
        var before = State(sandbox);
        var armed = true;
        sandbox.EventAppended += e =>
        {
            if (armed && e.Name == EventName.ProtocolClMakeCallComplete)
            {
                throw new InjectedFailure();
            }
        };

        Assert.Throws<InjectedFailure>(() => sandbox.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success));

        Assert.Equal(before, State(sandbox));
        Assert.Equal(due, sandbox.NextDue);
        armed = false;
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(sandbox.ListPendingOperations());
        Assert.Contains(sandbox.GetEvents(0), e => e.Name == EventName.ProtocolClMakeCallComplete);
    }

    [Fact]
    public void ASubscriberThatCallsBackAndThenThrows_LeavesNoFindingOfTheTurnItRan_AndKeepsTheFindingItPushedOut()
    {
        var sandbox = new Sandbox(new SandboxOptions { ViolationCapacity = 1 });
        var (_, vc) = sandbox.ConnectedCall();
        Given.Refused(sandbox, "V-HDL-01", s => s.NdisClCloseCall("no-such-vc", null, null));
        var before = State(sandbox);
        var armed = true;
        sandbox.EventAppended += e =>
        {
            if (armed && e.Name == EventName.ProtocolCmCloseCall)
            {
                armed = false;

                // A turn inside the turn: refused, so it keeps a finding, which pushes the older one out of the record.
                Assert.Equal(OutcomeKind.Refused, sandbox.NdisClCloseCall("no-such-vc", null, null).Kind);
                throw new InjectedFailure();
            }
        };

        Assert.Throws<InjectedFailure>(() => sandbox.NdisClCloseCall(vc, null, null));

        Assert.Equal(before, State(sandbox));
        Assert.Equal(OutcomeKind.Pended, sandbox.NdisClCloseCall(vc, null, null).Kind);
    }

    /// <summary>Everything a caller can see: the snapshot (without the clock), the journal and the findings.</summary>
    private static string State(Sandbox sandbox) =>
        JsonSerializer.Serialize(sandbox.GetSnapshot() with { Now = default }, Json)
        + JsonSerializer.Serialize(sandbox.GetEvents(0).Select(e => $"{e.Sequence} {e.Name} {e.Status?.Name}"), Json)
        + JsonSerializer.Serialize(sandbox.GetViolations().Select(v => $"{v.Sequence} {v.JournalSequence} {v.Rule.Id} {v.Operation}"), Json);

    private sealed class InjectedFailure : Exception;
}
