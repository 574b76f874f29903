namespace NdisMock.Domain;

/// <summary>The MCM handlers whose answer a sandbox lets its user script.</summary>
public enum CmHandler
{
    ProtocolCmOpenAf,
    ProtocolCmCloseAf,
    ProtocolCmRegisterSap,
    ProtocolCmDeregisterSap,
    ProtocolCmMakeCall,
    ProtocolCmCloseCall,
    ProtocolCmAddParty,
    ProtocolCmDropParty,
    ProtocolCmModifyCallQoS,

    /// <summary>The MCM's answer to a client's NdisCoCreateVc; must be synchronous (PROTOCOL_CO_CREATE_VC).</summary>
    ProtocolCoCreateVc,

    /// <summary>The MCM's answer to a client's NdisCoDeleteVc; must be synchronous (PROTOCOL_CO_CREATE_VC).</summary>
    ProtocolCoDeleteVc,
}

public enum BehaviorMode
{
    /// <summary>The handler returns <see cref="HandlerBehavior.Status"/> at once.</summary>
    Complete,

    /// <summary>The handler returns NDIS_STATUS_PENDING; with CompleteAfter, the MCM completes it itself later.</summary>
    Pend,
}

/// <summary>How one MCM handler answers.</summary>
/// <param name="Mode">Answer at once, or pend (and, without CompleteAfter, never complete by itself).</param>
/// <param name="Status">With Complete: the answer. With Pend and CompleteAfter: the status of the self-completion.</param>
/// <param name="CompleteAfter">With Pend only: the MCM completes the request by itself after this delay.</param>
/// <param name="FailNext">The next this-many requests fail with <paramref name="FailStatus"/> (counts down).</param>
/// <param name="FailStatus">The status of injected failures; NDIS_STATUS_FAILURE when not given.</param>
/// <param name="FaultRate">The share of requests, 0 to 1, that fail with <paramref name="FailStatus"/>, drawn from <paramref name="FaultSeed"/>.</param>
/// <param name="FaultSeed">Seeds the fault draws, so a run repeats exactly.</param>
public sealed record HandlerBehavior(
    BehaviorMode Mode,
    NdisStatus Status,
    TimeSpan? CompleteAfter = null,
    int FailNext = 0,
    NdisStatus? FailStatus = null,
    double FaultRate = 0,
    int FaultSeed = 0)
{
    /// <summary>
    /// The longest self-completion or answer delay: well inside what a .NET timer can wait (about 49.7 days), which a
    /// longer delay would overflow in the middle of a turn.
    /// </summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(30);

    public static HandlerBehavior CompleteWith(NdisStatus status) => new(BehaviorMode.Complete, status);

    public static HandlerBehavior Pend() => new(BehaviorMode.Pend, NdisStatuses.Success);

    /// <summary>Why this behavior cannot be set, or null when it can.</summary>
    public string? Problem(CmHandler handler)
    {
        if (Mode == BehaviorMode.Complete && Status.IsPending)
        {
            return "Mode Complete answers at once; use mode Pend to pend.";
        }

        if (Mode == BehaviorMode.Complete && CompleteAfter is not null)
        {
            return "completeAfter applies only to mode Pend.";
        }

        if (Mode == BehaviorMode.Pend && Status.IsPending)
        {
            return "The self-completion status must not be NDIS_STATUS_PENDING (the completion pages).";
        }

        if (CompleteAfter is { } delay && (delay < TimeSpan.Zero || delay > MaxDelay))
        {
            return $"completeAfter lies between 00:00:00 and {MaxDelay:c}.";
        }

        if (FailNext < 0 || FaultRate is < 0 or > 1 || double.IsNaN(FaultRate))
        {
            return "failNext must not be negative and faultRate must lie between 0 and 1.";
        }

        if (FailStatus is { } fail && (fail.IsPending || fail.IsSuccess))
        {
            return "failStatus must be a failure status.";
        }

        if ((FailNext > 0 || FaultRate > 0) && handler is CmHandler.ProtocolCoCreateVc or CmHandler.ProtocolCoDeleteVc)
        {
            return $"Failure injection applies to the signalling, AF and SAP handlers; {handler} answers with its Complete status.";
        }

        if (Mode == BehaviorMode.Pend && CompleteAfter is not null
            && handler is CmHandler.ProtocolCoCreateVc or CmHandler.ProtocolCoDeleteVc)
        {
            return $"{handler} never completes later; pending it is itself the violation V-CMP-05.";
        }

        if (handler is CmHandler.ProtocolCmCloseAf or CmHandler.ProtocolCmDeregisterSap
            && Mode == BehaviorMode.Pend && CompleteAfter is not null && !Status.IsSuccess)
        {
            return $"A pended {handler} completes with NDIS_STATUS_SUCCESS only (NdisMCmCloseAddressFamilyComplete macro).";
        }

        return null;
    }

    /// <summary>The defaults: signalling handlers pend, AF and SAP handlers succeed at once.</summary>
    public static IReadOnlyDictionary<CmHandler, HandlerBehavior> Defaults { get; } = new Dictionary<CmHandler, HandlerBehavior>
    {
        [CmHandler.ProtocolCmOpenAf] = CompleteWith(NdisStatuses.Success),
        [CmHandler.ProtocolCmCloseAf] = CompleteWith(NdisStatuses.Success),
        [CmHandler.ProtocolCmRegisterSap] = CompleteWith(NdisStatuses.Success),
        [CmHandler.ProtocolCmDeregisterSap] = CompleteWith(NdisStatuses.Success),
        [CmHandler.ProtocolCmMakeCall] = Pend(),
        [CmHandler.ProtocolCmCloseCall] = Pend(),
        [CmHandler.ProtocolCmAddParty] = Pend(),
        [CmHandler.ProtocolCmDropParty] = Pend(),
        [CmHandler.ProtocolCmModifyCallQoS] = Pend(),
        [CmHandler.ProtocolCoCreateVc] = CompleteWith(NdisStatuses.Success),
        [CmHandler.ProtocolCoDeleteVc] = CompleteWith(NdisStatuses.Success),
    };
}
