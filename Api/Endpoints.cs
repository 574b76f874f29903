namespace NdisMock.Api;

/// <summary>What an NDIS operation can answer when the call is legal.</summary>
[Flags]
internal enum Answers
{
    /// <summary>200: the call completed, with success or a documented NDIS failure status.</summary>
    Completed = 1,

    /// <summary>201: the call completed and created an object (an address family open, a SAP, a VC, a party).</summary>
    Created = 2,

    /// <summary>202: a handler pended; the body names the pending operation.</summary>
    Pended = 4,
}

/// <summary>Endpoint metadata: the 2xx answers an NDIS operation can give.</summary>
internal sealed record NdisAnswers(Answers Answers);

internal static class Endpoints
{
    /// <summary>The NDIS functions whose success creates an object: their answer is 201 with the new handle.</summary>
    private static readonly HashSet<string> Creating =
        ["NdisClOpenAddressFamilyEx", "NdisClRegisterSap", "NdisCoCreateVc", "NdisMCmCreateVc", "NdisClAddParty", "NdisClMakeCall"];

    /// <summary>
    /// The functions whose handler may pend (202): the client's requests to the MCM, and the MCM's dispatches whose client
    /// handler pends (ProtocolClIncomingCall, ProtocolClNotifyCloseAf).
    /// </summary>
    private static readonly HashSet<string> Pending =
    [
        "NdisClOpenAddressFamilyEx", "NdisClCloseAddressFamily", "NdisClRegisterSap", "NdisClDeregisterSap", "NdisClMakeCall",
        "NdisClCloseCall", "NdisClModifyCallQoS", "NdisClAddParty", "NdisClDropParty", "NdisMCmDispatchIncomingCall",
        "NdisMCmNotifyCloseAddressFamily",
    ];

    /// <summary>
    /// Names an NDIS operation after its function and says which 2xx it can answer; the OpenAPI document adds the problems
    /// every route of its kind can answer (ResponsesFilter).
    /// </summary>
    public static RouteHandlerBuilder Ndis(this RouteHandlerBuilder route, string function, string summary, string description) =>
        route.WithName(function)
            .WithSummary(summary)
            .WithDescription(description)
            .WithMetadata(new NdisAnswers(Answers.Completed
                | (Creating.Contains(function) ? Answers.Created : 0)
                | (Pending.Contains(function) ? Answers.Pended : 0)));
}
