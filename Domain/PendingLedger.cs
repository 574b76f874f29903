namespace NdisMock.Domain;

/// <summary>One request a handler pended, waiting for its completion: an entry of the <see cref="PendingLedger"/>.</summary>
internal sealed class PendingOperation(string id, EventName handler, string keyHandle, EventName completion, Role completedBy, DateTimeOffset createdAt)
{
    public string Id { get; } = id;

    /// <summary>The handler that answered PENDING, e.g. ProtocolCmCloseCall.</summary>
    public EventName Handler { get; } = handler;

    /// <summary>The handle the request is keyed by with its handler: the AF, SAP, VC or party it is about.</summary>
    public string KeyHandle { get; } = keyHandle;

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

    /// <summary>The handler's behavior completes the request by itself at <see cref="Due"/> with <see cref="DueStatus"/>.</summary>
    public bool SelfCompletes { get; init; }

    /// <summary>When the MCM completes the request by itself; null once it tried, or when it never does.</summary>
    public DateTimeOffset? Due { get; set; }

    public NdisStatus DueStatus { get; init; }

    /// <summary>The order requests were pended in, which breaks ties between equal due times.</summary>
    public long Order { get; init; }
}

/// <summary>
/// The pending-request ledger: every request a handler pended, by id and by (handler, handle), with the due times of
/// those the MCM completes by itself. The ledger creates no timers: the host reads <see cref="NextDue"/> and has the
/// sandbox complete what is due (<see cref="Sandbox.CompleteDue()"/>), on whatever clock and machine hosts it. Inside a
/// turn each change notes how to undo it, so a completion whose turn fails leaves its request pending with its due time.
/// </summary>
internal sealed class PendingLedger(UndoLog? undo = null)
{
    private static readonly Comparer<PendingOperation> ByDue = Comparer<PendingOperation>.Create((a, b) =>
        (a.Due, a.Order).CompareTo((b.Due, b.Order)));

    private readonly Dictionary<string, PendingOperation> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<(EventName Handler, string Handle), PendingOperation> _byKey = [];
    private readonly SortedSet<PendingOperation> _due = new(ByDue);

    public int Count => _byId.Count;

    public IEnumerable<PendingOperation> All => _byId.Values;

    /// <summary>The earliest time the MCM completes a request by itself, or null when none is due.</summary>
    public DateTimeOffset? NextDue => _due.Count == 0 ? null : _due.Min!.Due;

    public void Add(PendingOperation op)
    {
        _byId.Add(op.Id, op);
        _byKey.Add((op.Handler, op.KeyHandle), op);
        if (op.Due is not null)
        {
            _due.Add(op);
        }

        if (undo is { IsRecording: true })
        {
            undo.Record(() =>
            {
                _byId.Remove(op.Id);
                _byKey.Remove((op.Handler, op.KeyHandle));
                _due.Remove(op);
            });
        }
    }

    public bool TryGet(string id, out PendingOperation op) => _byId.TryGetValue(id, out op!);

    /// <summary>The request <paramref name="handler"/> pended about <paramref name="handle"/>, if it still waits.</summary>
    public PendingOperation? Find(EventName handler, string handle) => _byKey.GetValueOrDefault((handler, handle));

    public bool Contains(EventName handler, string handle) => _byKey.ContainsKey((handler, handle));

    public void Remove(PendingOperation op)
    {
        if (!_byId.Remove(op.Id))
        {
            return;
        }

        _byKey.Remove((op.Handler, op.KeyHandle));
        TakeDue(op);
        if (undo is { IsRecording: true })
        {
            undo.Record(() =>
            {
                _byId.Add(op.Id, op);
                _byKey.Add((op.Handler, op.KeyHandle), op);
            });
        }
    }

    /// <summary>The first request due by <paramref name="now"/>, taken off the due list: the MCM tries each once.</summary>
    public PendingOperation? TakeFirstDue(DateTimeOffset now)
    {
        if (_due.Count == 0 || _due.Min!.Due > now)
        {
            return null;
        }

        var op = _due.Min;
        TakeDue(op);
        return op;
    }

    public void Clear()
    {
        _byId.Clear();
        _byKey.Clear();
        _due.Clear();
    }

    private void TakeDue(PendingOperation op)
    {
        if (op.Due is { } due)
        {
            _due.Remove(op);
            op.Due = null;
            if (undo is { IsRecording: true })
            {
                // Disarmed only when the turn holds: a turn that fails puts the due time back.
                undo.Record(() =>
                {
                    op.Due = due;
                    _due.Add(op);
                });
            }
        }
    }
}
