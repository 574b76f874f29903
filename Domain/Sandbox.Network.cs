namespace NdisMock.Domain;

// The network behind the MCM: routing rules for called addresses, and what the MCM can read and fill in.
public sealed partial class Sandbox
{
    /// <summary>Sets the routing rule for a called address; false (nothing changed) when a new address would pass MaxRoutes.</summary>
    public bool SetRoute(RoutingRule route)
    {
        ArgumentNullException.ThrowIfNull(route);
        lock (_gate)
        {
            using var changing = Changing();
            if (_routes.Count >= Options.MaxRoutes && !_routes.ContainsKey(route.CalledAddress))
            {
                return false;
            }

            _routes[route.CalledAddress] = route;
            return true;
        }
    }

    public bool RemoveRoute(string calledAddress)
    {
        lock (_gate)
        {
            using var changing = Changing();
            return _routes.Remove(calledAddress);
        }
    }

    public IReadOnlyList<RoutingRule> GetRoutes()
    {
        lock (_gate)
        {
            return RoutesInOrder();
        }
    }

    private RoutingRule[] RoutesInOrder() => [.. _routes.Values.OrderBy(r => r.CalledAddress, StringComparer.Ordinal)];

    /// <summary>The rule for the address a call is made to, if there is one.</summary>
    private RoutingRule? RouteFor(CallParameters parameters)
    {
        var called = parameters.CallMgrParameters?.Q2931?.CalledParty?.Address ?? parameters.CallMgrParameters?.Tapi?.DestAddress;
        return called is not null && _routes.TryGetValue(called, out var route) ? route : null;
    }

    /// <summary>
    /// How the simulated network answers a call to a routed address: a rejection carries its cause's status, at once or
    /// after the route's delay; a reachable address with a delay answers SUCCESS then. Null: the handler's behavior decides.
    /// </summary>
    private HandlerBehavior? RoutedBehavior(RoutingRule? route)
    {
        var behavior = route switch
        {
            { Cause: { } cause, AnswerDelay: { } delay } => new HandlerBehavior(BehaviorMode.Pend, Q2931Causes.ToStatus(cause), delay),
            { Cause: { } cause } => HandlerBehavior.CompleteWith(Q2931Causes.ToStatus(cause)),
            { AnswerDelay: { } delay } => new HandlerBehavior(BehaviorMode.Pend, NdisStatuses.Success, delay),
            _ => null,
        };
        if (behavior is { Mode: BehaviorMode.Pend })
        {
            RequirePendingRoom();
        }

        return behavior;
    }

    private bool SupportsMultipoint(AddressFamilyOpen af) =>
        af.Family.AddressFamily == AddressFamilyType.Q2931 && Options.Profile.SupportsMultipoint;

    /// <summary>
    /// Whether the MCM can read these parameters on this address family: an ATM (Q.2931) MCM has no use for TAPI
    /// call-manager parameters or ISDN media parameters, and an ISDN (TAPI) one none for Q.2931 or ATM ones.
    /// </summary>
    private static bool Readable(AddressFamilyOpen af, CallParameters parameters) => af.Family.AddressFamily == AddressFamilyType.Q2931
        ? parameters.CallMgrParameters?.Tapi is null && parameters.MediaParameters?.Isdn is null
        : parameters.CallMgrParameters?.Q2931 is null && parameters.MediaParameters?.Atm is null;

    /// <summary>
    /// The parameters the MCM hands back, flagged CALL_PARAMETERS_CHANGED when they differ from what the client gave:
    /// a VCI, B-channels or rates the MCM filled in (PROTOCOL_CL_MAKE_CALL_COMPLETE; "Making a Call").
    /// </summary>
    private static CallParameters Flagged(CallParameters given, CallParameters returned) =>
        returned == given || returned.ParametersChanged ? returned : returned with { Flags = returned.Flags | CallParameterFlags.CallParametersChanged };
}
