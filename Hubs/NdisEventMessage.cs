using NdisMock.Domain;

namespace NdisMock.Hubs;

/// <summary>
/// One journal event as clients see it, over REST (GetEvents) and over the hub alike: exactly the handles and contexts
/// the real NDIS call or callback carries, the status by name and hex, and the pending operation it belongs to.
/// </summary>
public sealed record NdisEventMessage
{
    /// <summary>1, 2, 3 … per sandbox, gap-free, never reused.</summary>
    public long Sequence { get; init; }

    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The NDIS function, handler or callback, e.g. ProtocolClCloseCallComplete.</summary>
    public string Name { get; init; } = "";

    /// <summary>Whose code the event runs in or comes from.</summary>
    public Role Role { get; init; }

    /// <summary>The NDIS status name, where the function or callback has one.</summary>
    public string? Status { get; init; }

    /// <summary>The same status as eight hex digits.</summary>
    public string? StatusCode { get; init; }

    public string? NdisAfHandle { get; init; }

    public string? NdisSapHandle { get; init; }

    public string? NdisVcHandle { get; init; }

    public string? NdisPartyHandle { get; init; }

    public string? ClientAfContext { get; init; }

    public string? ProtocolSapContext { get; init; }

    public string? ProtocolVcContext { get; init; }

    public string? ProtocolPartyContext { get; init; }

    public string? CallMgrAfContext { get; init; }

    public string? CallMgrSapContext { get; init; }

    public string? CallMgrVcContext { get; init; }

    public string? CallMgrPartyContext { get; init; }

    /// <summary>Links a completion and its callback to the request that pended.</summary>
    public string? PendingOperationId { get; init; }

    public CoAddressFamily? AddressFamily { get; init; }

    public Sap? Sap { get; init; }

    public CallParameters? CallParameters { get; init; }

    public string? CloseData { get; init; }

    /// <summary>The Q.2931 cause of a network rejection or a remote clear, where there is one.</summary>
    public byte? Cause { get; init; }

    /// <summary>The sandbox the event belongs to (set on the hub, where one connection may follow several).</summary>
    public string? SandboxId { get; init; }

    public static NdisEventMessage From(NdisEvent e, string? sandboxId = null) => new()
    {
        Sequence = e.Sequence,
        Timestamp = e.Timestamp,
        Name = e.Name.ToString(),
        Role = e.Role,
        Status = e.Status?.Name,
        StatusCode = e.Status?.Hex,
        NdisAfHandle = e.NdisAfHandle,
        NdisSapHandle = e.NdisSapHandle,
        NdisVcHandle = e.NdisVcHandle,
        NdisPartyHandle = e.NdisPartyHandle,
        ClientAfContext = e.ClientAfContext,
        ProtocolSapContext = e.ProtocolSapContext,
        ProtocolVcContext = e.ProtocolVcContext,
        ProtocolPartyContext = e.ProtocolPartyContext,
        CallMgrAfContext = e.CallMgrAfContext,
        CallMgrSapContext = e.CallMgrSapContext,
        CallMgrVcContext = e.CallMgrVcContext,
        CallMgrPartyContext = e.CallMgrPartyContext,
        PendingOperationId = e.PendingOperationId,
        AddressFamily = e.AddressFamily,
        Sap = e.Sap,
        CallParameters = e.CallParameters,
        CloseData = e.CloseData,
        Cause = e.Cause,
        SandboxId = sandboxId,
    };
}

/// <summary>Why a subscription stopped before the client left: it never ends silently.</summary>
/// <param name="SandboxId">The sandbox the subscription followed.</param>
/// <param name="Reason">SandboxDeleted, SandboxExpired, or JournalOverrun when the subscriber fell further behind than the journal keeps.</param>
/// <param name="LastDeliveredSequence">The last event this subscriber received.</param>
/// <param name="OldestSequenceKept">The oldest event the journal still holds: resubscribe after it to go on.</param>
public sealed record SubscriptionEndedMessage(string SandboxId, string Reason, long LastDeliveredSequence, long OldestSequenceKept);
