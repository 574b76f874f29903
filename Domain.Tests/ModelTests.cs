using System.Text.Json;
using System.Text.Json.Serialization;
using CsCheck;

namespace NdisMock.Domain.Tests;

/// <summary>
/// Model-based tests: random sequences of client and MCM operations, legal and illegal, with live, dead and foreign
/// handles, run against a sandbox; after every step the invariants of issue 8 are checked. CsCheck shrinks a failing
/// sequence to a minimal one.
/// </summary>
public sealed class ModelTests
{
    private static readonly NdisStatus[] Statuses =
        [NdisStatuses.Success, NdisStatuses.Success, NdisStatuses.Failure, NdisStatuses.Pending, NdisStatuses.Resources, NdisStatuses.InvalidData];

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    private static readonly Gen<(int Mode, (int, int, int, int)[] Steps)> Runs =
        Gen.Select(Gen.Int[0, 3], Gen.Select(Gen.Int[0, 40], Gen.Int[0, 1000], Gen.Int[0, 1000], Gen.Int[0, 1000]).Array[1, 80]);

    [Fact]
    public void RandomOperationSequences_KeepEveryInvariant() =>
        Deterministic.Check(Runs, run => new World(run.Mode).Run(run.Steps), iterations: 1500);

    /// <summary>Runs one sequence and checks the invariants after each step.</summary>
    internal sealed class World(int mode)
    {
        private readonly Sandbox _sandbox = new(new SandboxOptions
        {
            Duties = mode % 2 == 0 ? McmDuties.Auto : McmDuties.Manual,
            Strictness = mode / 2 == 0 ? Strictness.Strict : Strictness.Lenient,
            JournalCapacity = 100_000,
        });

        private readonly Sandbox _foreign = new();
        private readonly List<string> _afs = [];
        private readonly List<string> _saps = [];
        private readonly List<string> _vcs = [];
        private readonly List<string> _parties = [];
        private readonly List<string> _ops = [];
        private readonly Dictionary<string, string?> _vcContexts = [];
        private readonly Dictionary<string, string?> _partyContexts = [];
        private readonly Dictionary<string, VcCreator> _creators = [];
        private readonly Dictionary<string, Activation> _activation = [];
        private readonly HashSet<string> _pended = [];
        private readonly HashSet<string> _completed = [];
        private long _seen;

        public void Run((int Kind, int A, int B, int C)[] steps)
        {
            Check(_sandbox.GetEvents(0));
            foreach (var step in steps)
            {
                var before = State();
                var last = _sandbox.LastSequence;
                var violations = _sandbox.GetViolations().Count;
                var snapshot = _sandbox.GetSnapshot();

                var outcome = Apply(step);

                var events = _sandbox.GetEvents(last);
                if (outcome is { Kind: OutcomeKind.Refused })
                {
                    Assert.Equal(last, _sandbox.LastSequence);
                    Assert.Equal(before, State());
                    Assert.Equal(violations + 1, _sandbox.GetViolations().Count);
                }

                Check(events, snapshot);
                CheckParties();
            }
        }

        private Outcome? Apply((int Kind, int A, int B, int C) s)
        {
            var status = Statuses[s.C % Statuses.Length];
            var parameters = s.C % 3 == 0 ? null : CallParameterDefaults.For(s.C % 2 == 0 ? AddressFamilyType.Q2931 : AddressFamilyType.Tapi);
            var outcome = s.Kind switch
            {
                0 or 1 => _sandbox.NdisClOpenAddressFamilyEx(s.A % 3 == 0 ? CoAddressFamily.Tapi : CoAddressFamily.Q2931, $"af{s.B}"),
                2 => _sandbox.NdisClCloseAddressFamily(Pick(_afs, s.A)),
                3 => _sandbox.NdisClRegisterSap(Pick(_afs, s.A), $"sap{s.B}", new Sap(s.C % 4 == 0 ? SapType.Tapi : SapType.Nsap, $"47.{s.B % 4}")),
                4 => _sandbox.NdisClDeregisterSap(Pick(_saps, s.A)),
                5 or 6 => _sandbox.NdisCoCreateVc(Pick(_afs, s.A), $"vc{s.B}"),
                7 => _sandbox.NdisCoDeleteVc(Pick(_vcs, s.A)),
                8 or 9 => _sandbox.NdisClMakeCall(Pick(_vcs, s.A), parameters, s.B % 3 == 0 ? $"party{s.B}" : null),
                10 or 11 => _sandbox.NdisClCloseCall(Pick(_vcs, s.A), s.B % 2 == 0 ? null : Pick(_parties, s.B), s.C % 7 == 0 ? "bye" : null),
                12 => _sandbox.NdisClAddParty(Pick(_vcs, s.A), $"party{s.B}", parameters),
                13 => _sandbox.NdisClDropParty(Pick(_parties, s.A), null),
                14 => _sandbox.NdisClModifyCallQoS(Pick(_vcs, s.A), parameters ?? CallParameterDefaults.For(AddressFamilyType.Q2931)),
                15 => _sandbox.NdisClIncomingCallComplete(status, Pick(_vcs, s.A), null),
                16 => _sandbox.NdisClNotifyCloseAddressFamilyComplete(Pick(_afs, s.A), status),
                17 or 18 => _sandbox.NdisMCmCreateVc(Pick(_afs, s.A), $"mp{s.B}", $"in{s.B}"),
                19 => _sandbox.NdisMCmDeleteVc(Pick(_vcs, s.A)),
                20 => _sandbox.NdisMCmActivateVc(Pick(_vcs, s.A), parameters),
                21 => _sandbox.NdisMCmDeactivateVc(Pick(_vcs, s.A)),
                22 or 23 => _sandbox.NdisMCmDispatchIncomingCall(Pick(_saps, s.A), Pick(_vcs, s.B), parameters),
                24 => _sandbox.NdisMCmDispatchCallConnected(Pick(_vcs, s.A)),
                25 => _sandbox.NdisMCmDispatchIncomingCloseCall(status.IsPending ? NdisStatuses.Success : status, Pick(_vcs, s.A), null),
                26 => _sandbox.NdisMCmDispatchIncomingDropParty(NdisStatuses.Success, Pick(_parties, s.A), null),
                27 => _sandbox.NdisMCmDispatchIncomingCallQoSChange(Pick(_vcs, s.A), parameters ?? CallParameterDefaults.For(AddressFamilyType.Q2931)),
                28 => _sandbox.NdisMCmNotifyCloseAddressFamily(Pick(_afs, s.A)),
                29 => _sandbox.NdisMCmMakeCallComplete(status, Pick(_vcs, s.A), s.B % 2 == 0 ? null : Pick(_parties, s.B), s.C % 2 == 0 ? "cm" : null, null),
                30 => _sandbox.NdisMCmCloseCallComplete(status, Pick(_vcs, s.A), s.B % 2 == 0 ? null : Pick(_parties, s.B)),
                31 => _sandbox.NdisMCmAddPartyComplete(status, Pick(_parties, s.A), s.B % 3 == 0 ? null : "cm", null),
                32 => _sandbox.NdisMCmDropPartyComplete(status, Pick(_parties, s.A)),
                33 => _sandbox.NdisMCmModifyCallQoSComplete(status, Pick(_vcs, s.A), null),
                34 => _sandbox.NdisMCmOpenAddressFamilyComplete(status, Pick(_afs, s.A), "cm"),
                35 => _sandbox.NdisMCmCloseAddressFamilyComplete(status, Pick(_afs, s.A)),
                36 => _sandbox.NdisMCmRegisterSapComplete(status, Pick(_saps, s.A), "cm"),
                37 => _sandbox.NdisMCmDeregisterSapComplete(status, Pick(_saps, s.A)),
                38 or 39 => _sandbox.CompletePendingOperation(Pick(_ops, s.A), status),
                _ => SetBehavior(s),
            };
            Learn(outcome);
            return outcome;
        }

        private Outcome? SetBehavior((int Kind, int A, int B, int C) s)
        {
            var handlers = Enum.GetValues<CmHandler>();
            var behavior = s.B % 2 == 0 ? HandlerBehavior.Pend() : HandlerBehavior.CompleteWith(Statuses[s.C % Statuses.Length]);
            _sandbox.SetBehavior(handlers[s.A % handlers.Length], behavior);
            return null;
        }

        /// <summary>A live or dead handle of this sandbox, or now and then one of another sandbox or none at all.</summary>
        private string Pick(List<string> pool, int index) =>
            index % 17 == 16 || pool.Count == 0 ? (index % 2 == 0 ? ForeignHandle() : "nonsense") : pool[index % pool.Count];

        private string ForeignHandle() => _foreign.NdisCoCreateVc(_foreign.NdisClOpenAddressFamilyEx(CoAddressFamily.Q2931, null).NdisAfHandle!, null).NdisVcHandle!;

        private void Learn(Outcome? outcome)
        {
            if (outcome is null)
            {
                return;
            }

            Add(_afs, outcome.NdisAfHandle);
            Add(_saps, outcome.NdisSapHandle);
            Add(_vcs, outcome.NdisVcHandle);
            Add(_parties, outcome.NdisPartyHandle);
            Add(_ops, outcome.PendingOperationId);
        }

        private static void Add(List<string> pool, string? handle)
        {
            if (handle is not null && !pool.Contains(handle))
            {
                pool.Add(handle);
            }
        }

        private string State() => JsonSerializer.Serialize(_sandbox.GetSnapshot() with { Counters = null!, Now = default }, Json);

        /// <summary>The journal is gap-free, every completion answers one pended request once, contexts echo, deletes are legal.</summary>
        private void Check(IReadOnlyList<NdisEvent> events, SandboxSnapshot? before = null)
        {
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                Assert.Equal(++_seen, e.Sequence);
                var cause = i > 0 ? events[i - 1] : null;
                LearnFrom(e);

                if (e.PendingOperationId is { } op)
                {
                    if (e.Status is { IsPending: true })
                    {
                        _pended.Add(op);
                    }
                    else
                    {
                        Assert.Contains(op, _pended);
                        if (IsCompletion(e.Name))
                        {
                            Assert.True(_completed.Add(op), $"{op} completed twice (event {e.Sequence})");
                        }
                    }
                }

                if (e.Role == Role.Client && e.ProtocolVcContext is { } vcContext && cause?.NdisVcHandle is { } vc && e.Name != EventName.ProtocolCoCreateVc
                    && _vcContexts.TryGetValue(vc, out var expected))
                {
                    Assert.Equal(expected, vcContext);
                }

                if (e.Role == Role.Client && e.ProtocolPartyContext is { } partyContext && cause?.NdisPartyHandle is { } party
                    && _partyContexts.TryGetValue(party, out var expectedParty) && cause.Name != EventName.NdisClMakeCall && cause.Name != EventName.NdisClAddParty)
                {
                    Assert.Equal(expectedParty, partyContext);
                }

                if (e.Name is EventName.NdisCoDeleteVc or EventName.NdisMCmDeleteVc && e.Status is { IsSuccess: true })
                {
                    var vcHandle = e.NdisVcHandle!;
                    Assert.Equal(e.Name == EventName.NdisCoDeleteVc ? VcCreator.Client : VcCreator.Mcm, _creators[vcHandle]);
                    Assert.Equal(Activation.Inactive, _activation[vcHandle]);
                    var view = before?.Vcs.SingleOrDefault(v => v.NdisVcHandle == vcHandle);
                    var callEndedThisTurn = events.Take(i).Any(x => x.NdisVcHandle == vcHandle && x.Name is EventName.NdisMCmCloseCallComplete or EventName.NdisClIncomingCallComplete or EventName.NdisMCmMakeCallComplete or EventName.NdisClCloseCall);
                    Assert.True(view is null || view.CallState is CallState.Idle or CallState.Closed || callEndedThisTurn, $"VC {vcHandle} deleted with its call {view?.CallState}");
                }
            }
        }

        private void LearnFrom(NdisEvent e)
        {
            switch (e.Name)
            {
                case EventName.NdisCoCreateVc when e.Status is { IsSuccess: true }:
                    _vcContexts[e.NdisVcHandle!] = e.ProtocolVcContext;
                    _creators[e.NdisVcHandle!] = VcCreator.Client;
                    _activation[e.NdisVcHandle!] = Activation.Inactive;
                    break;
                case EventName.ProtocolCoCreateVc when e.Role == Role.Client:
                    _vcContexts[e.NdisVcHandle!] = e.ProtocolVcContext;
                    _creators[e.NdisVcHandle!] = VcCreator.Mcm;
                    _activation[e.NdisVcHandle!] = Activation.Inactive;
                    break;
                case EventName.NdisMCmActivateVc when e.Status is { IsSuccess: true }:
                    _activation[e.NdisVcHandle!] = Activation.Active;
                    break;
                case EventName.NdisMCmDeactivateVc when e.Status is { IsSuccess: true }:
                    _activation[e.NdisVcHandle!] = Activation.Inactive;
                    break;
                case EventName.NdisClMakeCall or EventName.NdisClAddParty when e.NdisPartyHandle is not null:
                    _partyContexts[e.NdisPartyHandle] = e.ProtocolPartyContext;
                    break;
            }
        }

        private static bool IsCompletion(EventName name) =>
            name.ToString().EndsWith("Complete", StringComparison.Ordinal) && name.ToString().StartsWith("Ndis", StringComparison.Ordinal);

        private void CheckParties()
        {
            var snapshot = _sandbox.GetSnapshot();
            Assert.Equal(snapshot.Counters.Parties, snapshot.Vcs.Sum(v => v.Parties.Count));
            foreach (var vc in snapshot.Vcs)
            {
                Assert.True(vc.Multipoint || vc.Parties.Count == 0, $"point-to-point VC {vc.NdisVcHandle} has parties");
                Assert.True(!vc.Multipoint || vc.CallState != CallState.Connected || vc.Parties.Count >= 1, $"connected multipoint VC {vc.NdisVcHandle} has no party");
                Assert.True(vc.CallState is not (CallState.Idle or CallState.Closed) || vc.Parties.Count == 0, $"VC {vc.NdisVcHandle} without a call keeps parties");
            }
        }
    }
}
