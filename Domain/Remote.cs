namespace NdisMock.Domain;

/// <summary>What the remote side does with a call to an address.</summary>
public enum RouteOutcome
{
    /// <summary>The called party answers (after the route's answer delay, if any).</summary>
    Reachable,

    /// <summary>Q.2931 cause 17, user busy.</summary>
    Busy,

    /// <summary>Q.2931 cause 27, destination out of order.</summary>
    OutOfOrder,

    /// <summary>Q.2931 cause 3, no route to destination.</summary>
    NoRoute,

    /// <summary>Q.2931 cause 1, unallocated (unassigned) number.</summary>
    Unallocated,
}

/// <summary>A routing rule of a sandbox's simulated network, keyed by called address.</summary>
/// <param name="CalledAddress">The ATM called party address or the ISDN destination number, as the call gives it.</param>
/// <param name="Outcome">What the remote side does.</param>
/// <param name="AnswerDelay">How long until the answer or the rejection arrives; none: at once.</param>
public sealed record RoutingRule(string CalledAddress, RouteOutcome Outcome, TimeSpan? AnswerDelay = null)
{
    /// <summary>The longest called address a rule takes.</summary>
    public const int MaxAddressLength = 64;

    /// <summary>Why the rule cannot be set, or null: the address is too long, or the delay is negative or longer than any self-completion's.</summary>
    public string? Problem() =>
        CalledAddress.Length > MaxAddressLength || AnswerDelay < TimeSpan.Zero || AnswerDelay > HandlerBehavior.MaxDelay
            ? $"The address is at most {MaxAddressLength} characters and answerDelay lies between 00:00:00 and {HandlerBehavior.MaxDelay:c}."
            : null;

    /// <summary>The Q.2931 cause the network gives for a rejection (ATM_CAUSE_* of atm.h; the same numbers in Q.850 for ISDN).</summary>
    public byte? Cause => Outcome switch
    {
        RouteOutcome.Busy => Q2931Causes.UserBusy,
        RouteOutcome.OutOfOrder => Q2931Causes.DestinationOutOfOrder,
        RouteOutcome.NoRoute => Q2931Causes.NoRouteToDestination,
        RouteOutcome.Unallocated => Q2931Causes.UnallocatedNumber,
        _ => null,
    };
}

/// <summary>Q.2931 cause values (atm.h ATM_CAUSE_*) and the NDIS status an MCM completes with for each.</summary>
public static class Q2931Causes
{
    public const byte UnallocatedNumber = 0x01;
    public const byte NoRouteToDestination = 0x03;
    public const byte NormalCallClearing = 0x10;
    public const byte UserBusy = 0x11;
    public const byte NoUserResponding = 0x12;
    public const byte CallRejected = 0x15;
    public const byte DestinationOutOfOrder = 0x1B;
    public const byte VpiVciUnavailable = 0x23;
    public const byte TemporaryFailure = 0x29;
    public const byte NoVpiVciAvailable = 0x2D;
    public const byte ResourceUnavailable = 0x2F;
    public const byte QosUnavailable = 0x31;
    public const byte UserCellRateUnavailable = 0x33;
    public const byte AalParametersUnsupported = 0x5D;

    /// <summary>
    /// The NDIS status for a cause: the CoNDIS codes whose ndis.h comments name a cause, SUCCESS for
    /// normal clearing, INVALID_ADDRESS for an unallocated number, FAILURE otherwise.
    /// </summary>
    public static NdisStatus ToStatus(byte cause) => cause switch
    {
        NormalCallClearing => NdisStatuses.Success,
        UnallocatedNumber => NdisStatuses.InvalidAddress,
        NoRouteToDestination => NdisStatuses.NoRouteToDestination,
        DestinationOutOfOrder => NdisStatuses.DestOutOfOrder,
        VpiVciUnavailable or NoVpiVciAvailable => NdisStatuses.VcNotAvailable,
        UserCellRateUnavailable => NdisStatuses.CellrateNotAvailable,
        QosUnavailable => NdisStatuses.IncompatableQos,
        AalParametersUnsupported => NdisStatuses.AalParamsUnsupported,
        ResourceUnavailable => NdisStatuses.Resources,
        _ => NdisStatuses.Failure,
    };
}
