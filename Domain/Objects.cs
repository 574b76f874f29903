namespace NdisMock.Domain;

/// <summary>One request a handler pended, waiting for its completion (an entry of the pending ledger).</summary>
internal sealed class PendingOperation(string id, EventName handler, EventName completion, Role completedBy, DateTimeOffset createdAt)
{
    public string Id { get; } = id;

    /// <summary>The handler that answered PENDING, e.g. ProtocolCmCloseCall.</summary>
    public EventName Handler { get; } = handler;

    /// <summary>The function that completes it, e.g. NdisMCmCloseCallComplete.</summary>
    public EventName Completion { get; } = completion;

    /// <summary>Whose completion it waits for.</summary>
    public Role CompletedBy { get; } = completedBy;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    /// <summary>The AF open the request concerns, kept so a completion can echo its contexts after it closed.</summary>
    public AddressFamilyOpen? Af { get; init; }

    public string? AfHandle { get; init; }

    public string? SapHandle { get; init; }

    public string? VcHandle { get; init; }

    public string? PartyHandle { get; init; }

    public CallParameters? CallParameters { get; init; }

    /// <summary>For a call the network rejects: the Q.2931 cause its completion carries.</summary>
    public byte? Cause { get; init; }

    /// <summary>For ModifyCallQoS: the VC's activation count when the request arrived.</summary>
    public long ActivationCountAtRequest { get; init; }

    public ITimer? SelfCompletion { get; set; }
}
