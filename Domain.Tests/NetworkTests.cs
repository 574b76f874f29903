namespace NdisMock.Domain.Tests;

/// <summary>Issue 6: adapters that say no for physical reasons, a scriptable remote side, completion policies, a virtual clock.</summary>
public sealed class NetworkTests
{
    private static CallParameters Cbr(uint peakCellRate, ushort vci = 0) => CallParameterDefaults.For(AddressFamilyType.Q2931) with
    {
        MediaParameters = CallParameterDefaults.For(AddressFamilyType.Q2931).MediaParameters! with
        {
            Atm = new AtmMediaParameters(0, vci, AtmAalType.Aal5,
                new AtmFlowParameters(AtmServiceCategory.Cbr, peakCellRate, peakCellRate, 0, 9188),
                new AtmFlowParameters(AtmServiceCategory.Cbr, peakCellRate, peakCellRate, 0, 9188)),
        },
    };

    private static CallParameters Isdn(uint bytesPerSecond, string? number = null) => CallParameterDefaults.For(AddressFamilyType.Tapi) with
    {
        CallMgrParameters = CallParameterDefaults.For(AddressFamilyType.Tapi).CallMgrParameters! with
        {
            Transmit = CallParameterDefaults.For(AddressFamilyType.Tapi).CallMgrParameters!.Transmit with { PeakBandwidth = bytesPerSecond },
            Tapi = new TapiCallManagerParameters(0, 0, 1, number),
        },
    };

    private static CallParameters To(string address) => CallParameterDefaults.For(AddressFamilyType.Q2931) with
    {
        CallMgrParameters = CallParameterDefaults.For(AddressFamilyType.Q2931).CallMgrParameters! with
        {
            Q2931 = new Q2931CallManagerParameters(new AtmAddress(AtmAddressType.E164, address), null),
        },
    };

    [Theory]
    [InlineData("AtmOc3", 353_207)]
    [InlineData("Atm25", 60_377)]
    public void AtmProfiles_AdmitPeakCellRatesUpToTheLink_AndReleaseThemOnClose(string profile, long capacity)
    {
        var sandbox = new Sandbox(new SandboxOptions { Profile = AdapterProfile.Find(profile)! });
        var af = sandbox.OpenAf();
        var half = (uint)(capacity / 2);
        var first = sandbox.ClientVc(af);
        var second = sandbox.ClientVc(af);
        var third = sandbox.ClientVc(af);
        Assert.Equal(OutcomeKind.Pended, sandbox.NdisClMakeCall(first, Cbr(half), null).Kind);
        Assert.Equal(OutcomeKind.Pended, sandbox.NdisClMakeCall(second, Cbr(half), null).Kind);

        var refused = sandbox.NdisClMakeCall(third, Cbr(2), null);

        Assert.Equal((OutcomeKind.Completed, NdisStatuses.CellrateNotAvailable), (refused.Kind, refused.Status));
        Assert.Equal((capacity, 2 * (long)half), (sandbox.GetSnapshot().Network.Capacity, sandbox.GetSnapshot().Network.Reserved));
        var made = sandbox.GetSnapshot().PendingOperations.First(p => p.NdisVcHandle == first).PendingOperationId;
        Given.Ok(sandbox.CompletePendingOperation(made, NdisStatuses.Success));
        var closed = sandbox.NdisClCloseCall(first, null, null);
        Given.Ok(sandbox.CompletePendingOperation(closed.PendingOperationId!, NdisStatuses.Success));
        Assert.Equal(OutcomeKind.Pended, sandbox.NdisClMakeCall(third, Cbr(2), null).Kind);
    }

    [Theory]
    [InlineData("IsdnBri", 2)]
    [InlineData("IsdnPriT1", 23)]
    [InlineData("IsdnPriE1", 30)]
    public void IsdnProfiles_AdmitAsManyBChannelsAsTheyHave_AndAllocateEachOnce(string profile, int channels)
    {
        var sandbox = new Sandbox(new SandboxOptions { Profile = AdapterProfile.Find(profile)! });
        var af = sandbox.OpenAf(family: CoAddressFamily.Tapi);
        var masks = new List<uint>();
        for (var i = 0; i < channels; i++)
        {
            var vc = sandbox.ClientVc(af);
            var made = sandbox.NdisClMakeCall(vc, Isdn(8000), null);
            Given.Ok(sandbox.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success));
            masks.Add(sandbox.GetEvents(0)[^1].CallParameters!.MediaParameters!.Isdn!.BChannels);
        }

        var refused = sandbox.NdisClMakeCall(sandbox.ClientVc(af), Isdn(8000), null);

        Assert.Equal(NdisStatuses.Resources, refused.Status);
        Assert.All(masks, m => Assert.Equal(1, System.Numerics.BitOperations.PopCount(m)));
        Assert.Equal((uint)((1L << channels) - 1), masks.Aggregate(0u, (a, m) => a | m));
    }

    [Fact]
    public void IsdnCall_NeedingTwoBChannels_HoldsTwo_AndABriThenHasNoneLeft()
    {
        var sandbox = new Sandbox(new SandboxOptions { Profile = AdapterProfile.IsdnBri });
        var af = sandbox.OpenAf(family: CoAddressFamily.Tapi);
        var made = sandbox.NdisClMakeCall(sandbox.ClientVc(af), Isdn(16000), null);
        Given.Ok(sandbox.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success));

        Assert.Equal(0b11u, sandbox.GetEvents(0)[^1].CallParameters!.MediaParameters!.Isdn!.BChannels);
        Assert.Equal(NdisStatuses.Resources, sandbox.NdisClMakeCall(sandbox.ClientVc(af), Isdn(1), null).Status);

        Given.Ok(sandbox.NdisMCmDispatchIncomingCloseCall(NdisStatuses.Success, sandbox.GetSnapshot().Vcs[0].NdisVcHandle, null));
        var closed = sandbox.NdisClCloseCall(sandbox.GetSnapshot().Vcs[0].NdisVcHandle, null, null);
        Given.Ok(sandbox.CompletePendingOperation(closed.PendingOperationId!, NdisStatuses.Success));
        Assert.Equal(0, sandbox.GetSnapshot().Network.Reserved);
        Assert.Equal(OutcomeKind.Pended, sandbox.NdisClMakeCall(sandbox.ClientVc(af), Isdn(16000), null).Kind);
    }

    [Fact]
    public void PendWithoutCompleteAfter_NeverCompletesByItself_HoweverLongTheClockRuns()
    {
        var sandbox = new Sandbox(new SandboxOptions { VirtualClock = true });
        var made = sandbox.NdisClMakeCall(sandbox.ClientVc(sandbox.OpenAf()), null, null);
        var last = sandbox.LastSequence;

        Assert.Equal(0, sandbox.AdvanceClock(TimeSpan.FromDays(365)));

        Assert.Equal(last, sandbox.LastSequence);
        Assert.NotNull(sandbox.GetPendingOperation(made.PendingOperationId!));
    }

    [Fact]
    public void VciAllocation_IsUniquePerCall_ReleasedOnClose_AndAnExplicitVciInUseIsRefused()
    {
        var sandbox = Given.Sandbox();
        var af = sandbox.OpenAf();
        var vcis = new List<ushort>();
        var vcs = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var vc = sandbox.ClientVc(af);
            vcs.Add(vc);
            var made = sandbox.NdisClMakeCall(vc, null, null);
            Given.Ok(sandbox.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success));
            vcis.Add(sandbox.GetEvents(0)[^1].CallParameters!.MediaParameters!.Atm!.Vci);
        }

        Assert.Equal(new ushort[] { 32, 33, 34 }, vcis);
        Assert.Equal(NdisStatuses.VcNotAvailable, sandbox.NdisClMakeCall(sandbox.ClientVc(af), Cbr(10, vci: 33), null).Status);
        var closed = sandbox.NdisClCloseCall(vcs[1], null, null);
        Given.Ok(sandbox.CompletePendingOperation(closed.PendingOperationId!, NdisStatuses.Success));
        var again = sandbox.NdisClMakeCall(sandbox.ClientVc(af), Cbr(10, vci: 33), null);
        Assert.Equal(OutcomeKind.Pended, again.Kind);
    }

    [Fact]
    public void QosChangeAndAddParty_ThatDoNotFit_AreRefused_QosWithFailure_AddPartyWithCellRateNotAvailable()
    {
        var sandbox = new Sandbox(new SandboxOptions { Profile = AdapterProfile.Atm25 });
        var af = sandbox.OpenAf();
        var vc = sandbox.ClientVc(af);
        var made = sandbox.NdisClMakeCall(vc, Cbr(10_000), "p1");
        Given.Ok(sandbox.NdisMCmMakeCallComplete(NdisStatuses.Success, vc, made.NdisPartyHandle, "cm", null));

        // PROTOCOL_CM_MODIFY_QOS_CALL: the CM restores the VC and answers FAILURE when the network cannot take the change.
        Assert.Equal(NdisStatuses.Failure, sandbox.NdisClModifyCallQoS(vc, Cbr(70_000)).Status);
        Assert.Equal(NdisStatuses.CellrateNotAvailable, sandbox.NdisClAddParty(vc, "p2", Cbr(70_000)).Status);
        Assert.Equal(OutcomeKind.Pended, sandbox.NdisClModifyCallQoS(vc, Cbr(50_000)).Kind);
    }

    [Fact]
    public void IncomingCall_ThatDoesNotFit_IsNotOffered()
    {
        var sandbox = new Sandbox(new SandboxOptions { Profile = AdapterProfile.IsdnBri });
        var af = sandbox.OpenAf(family: CoAddressFamily.Tapi);
        var sap = sandbox.NdisClRegisterSap(af, "s", new Sap(SapType.Tapi, "line 0")).NdisSapHandle!;
        sandbox.NdisClMakeCall(sandbox.ClientVc(af), Isdn(16000), null);
        var vc = sandbox.NdisMCmCreateVc(af, null, "in").NdisVcHandle!;
        var start = sandbox.LastSequence;

        var offer = sandbox.NdisMCmDispatchIncomingCall(sap, vc, Isdn(8000));

        Assert.Equal((OutcomeKind.Completed, NdisStatuses.Resources), (offer.Kind, offer.Status));
        Assert.Equal(["NdisMCmDispatchIncomingCall Mcm RESOURCES"], sandbox.Trace(start));
    }

    [Theory]
    [InlineData(RouteOutcome.Busy, Q2931Causes.UserBusy, "NDIS_STATUS_FAILURE")]
    [InlineData(RouteOutcome.OutOfOrder, Q2931Causes.DestinationOutOfOrder, "NDIS_STATUS_DEST_OUT_OF_ORDER")]
    [InlineData(RouteOutcome.NoRoute, Q2931Causes.NoRouteToDestination, "NDIS_STATUS_NO_ROUTE_TO_DESTINATION")]
    [InlineData(RouteOutcome.Unallocated, Q2931Causes.UnallocatedNumber, "NDIS_STATUS_INVALID_ADDRESS")]
    public void RoutedRejections_CarryTheirCause_AndTheMappedStatus_AtOnceOrAfterTheirDelay(RouteOutcome outcome, byte cause, string status)
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var sandbox = Given.Sandbox(time: clock);
        sandbox.SetRoute(new RoutingRule("+15550001", outcome));
        sandbox.SetRoute(new RoutingRule("+15550002", outcome, TimeSpan.FromSeconds(2)));
        var af = sandbox.OpenAf();

        var atOnce = sandbox.NdisClMakeCall(sandbox.ClientVc(af), To("+15550001"), null);
        var later = sandbox.NdisClMakeCall(sandbox.ClientVc(af), To("+15550002"), null);
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal((OutcomeKind.Completed, status), (atOnce.Kind, atOnce.Status.Name));
        Assert.Equal(OutcomeKind.Pended, later.Kind);
        var rejection = sandbox.GetEvents(0).Single(e => e.Name == EventName.ProtocolClMakeCallComplete);
        Assert.Equal((status, (byte?)cause, later.PendingOperationId), (rejection.Status!.Value.Name, rejection.Cause, rejection.PendingOperationId));
        Assert.Equal(cause, sandbox.GetEvents(0).Single(e => e.Name == EventName.ProtocolCmMakeCall && e.Status is { IsPending: false }).Cause);
        Assert.Equal(0, sandbox.GetSnapshot().Network.Calls);
    }

    [Fact]
    public void ReachableRoute_AnswersAfterItsDelay()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var sandbox = Given.Sandbox(time: clock);
        sandbox.SetRoute(new RoutingRule("+15550003", RouteOutcome.Reachable, TimeSpan.FromMilliseconds(300)));
        var vc = sandbox.ClientVc(sandbox.OpenAf());
        sandbox.NdisClMakeCall(vc, To("+15550003"), null);

        clock.Advance(TimeSpan.FromMilliseconds(299));
        Assert.Equal(CallState.MakeCallPending, sandbox.GetSnapshot().Vcs.Single().CallState);
        clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(CallState.Connected, sandbox.GetSnapshot().Vcs.Single().CallState);
    }

    [Fact]
    public void RemoteClear_CarriesItsCause()
    {
        var sandbox = Given.Sandbox();
        var (_, vc) = sandbox.ConnectedCall();

        Given.Ok(sandbox.NdisMCmDispatchIncomingCloseCall(Q2931Causes.ToStatus(Q2931Causes.DestinationOutOfOrder), vc, null, Q2931Causes.DestinationOutOfOrder));

        var indication = sandbox.GetEvents(0)[^1];
        Assert.Equal((EventName.ProtocolClIncomingCloseCall, NdisStatuses.DestOutOfOrder, (byte?)0x1B), (indication.Name, indication.Status!.Value, indication.Cause));
    }

    [Fact]
    public void FailNext_FailsExactlyTheNextNRequests_ThenTheBehaviorResumes()
    {
        var sandbox = Given.Sandbox();
        sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, HandlerBehavior.Pend() with { FailNext = 2, FailStatus = NdisStatuses.Resources });
        var af = sandbox.OpenAf();

        var answers = Enumerable.Range(0, 3).Select(_ => sandbox.NdisClMakeCall(sandbox.ClientVc(af), null, null)).ToList();

        Assert.Equal([NdisStatuses.Resources, NdisStatuses.Resources, NdisStatuses.Pending], answers.Select(a => a.Status));
        Assert.Equal(0, sandbox.GetBehaviors()[CmHandler.ProtocolCmMakeCall].FailNext);
    }

    [Fact]
    public void FailNext_IsNotSpentByARefusedCall()
    {
        var sandbox = Given.Sandbox();
        sandbox.SetBehavior(CmHandler.ProtocolCmCloseCall, HandlerBehavior.Pend() with { FailNext = 1 });
        var (_, vc) = sandbox.ConnectedCall();
        sandbox.NdisClModifyCallQoS(vc, CallParameterDefaults.For(AddressFamilyType.Q2931));
        sandbox.SetBehavior(CmHandler.ProtocolCmCloseCall, HandlerBehavior.CompleteWith(NdisStatuses.Success) with { FailNext = 1 });

        Assert.Equal(NdisStatuses.Failure, sandbox.NdisClCloseCall(vc, null, null).Status);
        Assert.Equal(0, sandbox.GetBehaviors()[CmHandler.ProtocolCmCloseCall].FailNext);
    }

    [Fact]
    public void FaultRate_FailsTheSameRequestsOnEveryRunWithTheSameSeed()
    {
        static List<bool> Run(int seed)
        {
            var sandbox = Given.Sandbox();
            sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, HandlerBehavior.Pend() with { FaultRate = 0.3, FaultSeed = seed });
            var af = sandbox.OpenAf();
            return [.. Enumerable.Range(0, 200).Select(_ => sandbox.NdisClMakeCall(sandbox.ClientVc(af), null, null).Status == NdisStatuses.Failure)];
        }

        var first = Run(42);

        Assert.Equal(first, Run(42));
        Assert.NotEqual(first, Run(43));
        Assert.InRange(first.Count(f => f), 40, 80);
    }

    [Fact]
    public void DelayedFailure_CompletesByItselfWithTheInjectedStatus()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var sandbox = Given.Sandbox(time: clock);
        sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, new HandlerBehavior(BehaviorMode.Pend, NdisStatuses.Success, TimeSpan.FromSeconds(1), FailNext: 1, FailStatus: NdisStatuses.IncompatableQos));
        var vc = sandbox.ClientVc(sandbox.OpenAf());

        Assert.Equal(OutcomeKind.Pended, sandbox.NdisClMakeCall(vc, null, null).Kind);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(NdisStatuses.IncompatableQos, sandbox.GetEvents(0)[^1].Status);
    }

    [Fact]
    public void VirtualClock_StandsStill_AndFiresEveryScheduledCompletionInOrderWhenAdvanced()
    {
        var sandbox = new Sandbox(new SandboxOptions { VirtualClock = true });
        var start = sandbox.Now;
        sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, new HandlerBehavior(BehaviorMode.Pend, NdisStatuses.Success, TimeSpan.FromSeconds(3)));
        var af = sandbox.OpenAf();
        var slow = sandbox.ClientVc(af, "slow");
        sandbox.NdisClMakeCall(slow, null, null);
        sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, new HandlerBehavior(BehaviorMode.Pend, NdisStatuses.Success, TimeSpan.FromSeconds(1)));
        var fast = sandbox.ClientVc(af, "fast");
        sandbox.NdisClMakeCall(fast, null, null);
        var before = sandbox.LastSequence;

        Assert.Equal(start, sandbox.Now);
        Assert.Equal(0, sandbox.AdvanceClock(TimeSpan.FromMilliseconds(999)));
        Assert.Equal(before, sandbox.LastSequence);
        Assert.Equal(2, sandbox.AdvanceClock(TimeSpan.FromSeconds(5)));

        var completions = sandbox.GetEvents(before).Where(e => e.Name == EventName.ProtocolClMakeCallComplete).ToList();
        Assert.Equal(["fast", "slow"], completions.Select(e => e.ProtocolVcContext));
        Assert.Equal([start.AddSeconds(1), start.AddSeconds(3)], completions.Select(e => e.Timestamp));
        Assert.Equal(start + TimeSpan.FromMilliseconds(5999), sandbox.Now);
        Assert.Null(new Sandbox().AdvanceClock(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void ConnectionIds_RunOverIntoTheNextVpi_WhenVpiZerosVcisAreAllInUse()
    {
        // Found by the benchmark: the 65,504th concurrent call threw (a 500), and each allocation scanned every VCI in use.
        var network = new Network(AdapterProfile.AtmOc3);
        CallParameters? last = null;
        for (var i = 0; i < 65_505; i++)
        {
            last = network.Reserve($"vc-{i}", CallParameterDefaults.For(AddressFamilyType.Q2931));
        }

        Assert.Equal((1, 32), ((int)last!.MediaParameters!.Atm!.Vpi, (int)last.MediaParameters.Atm.Vci));
        network.Release("vc-5");
        var reused = network.Reserve("again", CallParameterDefaults.For(AddressFamilyType.Q2931));
        Assert.Equal((0, 37), ((int)reused.MediaParameters!.Atm!.Vpi, (int)reused.MediaParameters.Atm.Vci));
    }

    [Fact]
    public void ConnectionIds_WhenEveryVpiVciIsInUse_AnswerVcNotAvailable()
    {
        var network = new Network(AdapterProfile.AtmOc3, maxVpi: 0);
        for (var i = 0; i < 65_504; i++)
        {
            network.Reserve($"vc-{i}", CallParameterDefaults.For(AddressFamilyType.Q2931));
        }

        Assert.Equal(NdisStatuses.VcNotAvailable, network.Refusal("one-more", CallParameterDefaults.For(AddressFamilyType.Q2931)));
    }
}
