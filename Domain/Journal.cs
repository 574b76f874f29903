namespace NdisMock.Domain;

/// <summary>
/// A sandbox's event journal: gap-free sequence numbers, bounded to the newest <c>capacity</c> events so memory
/// stays flat however long the sandbox lives. Not thread-safe: the owning sandbox serialises access.
/// <para>
/// The events are kept as values in chunks of a ring that are allocated once, as the journal first fills, and then
/// reused: an appended event is copied in, and a read gets events built afresh. So a kept event is not an object that
/// lives for as long as the ring takes to come round, which is long enough to reach the GC's oldest generation and
/// die there, where only a background collection of the whole heap (every live VC with it) would find it, and its
/// memory would be held until then.
/// </para>
/// </summary>
public sealed class Journal : IUndoable
{
    private const int ChunkSize = 256;
    private const long FilledEmptySlot = 0;
    private const long OverwroteOldest = 1;

    private readonly int _capacity;
    private readonly Entry[]?[] _chunks;

    // The oldest events that the running turns' appends overwrote, newest last, for a turn that fails to put back.
    private readonly List<Entry> _overwritten = [];
    private readonly UndoLog? _undo;
    private long _last;

    public Journal(int capacity)
    {
        _capacity = Math.Max(1, capacity);
        _chunks = new Entry[]?[(_capacity + ChunkSize - 1) / ChunkSize];
    }

    /// <summary>The sandbox's undo log: inside a turn each append notes how to take it back.</summary>
    internal UndoLog? Undo
    {
        get => _undo;
        init
        {
            _undo = value;
            value?.OnForget(_overwritten.Clear);
        }
    }

    /// <summary>The newest sequence number issued (0 before the first event).</summary>
    public long LastSequence => _last;

    /// <summary>The oldest sequence still kept (LastSequence + 1 when empty).</summary>
    public long FirstRetained => Math.Max(1, _last - _capacity + 1);

    public int Count => (int)Math.Min(_last, _capacity);

    /// <summary>Stamps the event with the next sequence number and the time, and keeps a copy of it.</summary>
    public NdisEvent Append(NdisEvent e, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Sequence != 0)
        {
            throw new InvalidOperationException($"Event {e.Name} was already appended as {e.Sequence}.");
        }

        e.Sequence = ++_last;
        e.Timestamp = now;
        ref var slot = ref Slot(_last);
        if (_undo is { IsRecording: true })
        {
            var overwrites = _last > _capacity;
            if (overwrites)
            {
                _overwritten.Add(slot);
            }

            _undo.Record(this, overwrites ? OverwroteOldest : FilledEmptySlot);
        }

        slot = Entry.From(e);
        return e;
    }

    void IUndoable.Undo(long change, object? unused, object? unusedToo)
    {
        ref var slot = ref Slot(_last);
        if (change == OverwroteOldest)
        {
            slot = _overwritten[^1];
            _overwritten.RemoveAt(_overwritten.Count - 1);
        }
        else
        {
            slot = default;
        }

        _last--;
    }

    /// <summary>The events after <paramref name="after"/> that are still kept, oldest first, at most <paramref name="max"/>.</summary>
    public IReadOnlyList<NdisEvent> After(long after, int max)
    {
        // after + 1 would overflow at the 64-bit maximum: nothing comes after the newest event anyway.
        var from = after >= _last ? _last + 1 : Math.Max(after + 1, FirstRetained);
        var count = (int)Math.Clamp(_last - from + 1, 0, max);
        var result = new NdisEvent[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = Slot(from + i).ToEvent();
        }

        return result;
    }

    /// <summary>Where the event of this sequence number is kept; the chunk holding it is allocated on first use.</summary>
    private ref Entry Slot(long sequence)
    {
        var index = (int)((sequence - 1) % _capacity);
        var chunk = _chunks[index / ChunkSize] ??= new Entry[Math.Min(ChunkSize, _capacity - (index / ChunkSize * ChunkSize))];
        return ref chunk[index % ChunkSize];
    }

    /// <summary>One kept event, as a value: every field of <see cref="NdisEvent"/>.</summary>
    private readonly record struct Entry(
        long Sequence,
        DateTimeOffset Timestamp,
        EventName Name,
        Role Role,
        NdisStatus? Status,
        string? NdisAfHandle,
        string? NdisSapHandle,
        string? NdisVcHandle,
        string? NdisPartyHandle,
        string? ClientAfContext,
        string? ProtocolSapContext,
        string? ProtocolVcContext,
        string? ProtocolPartyContext,
        string? CallMgrAfContext,
        string? CallMgrSapContext,
        string? CallMgrVcContext,
        string? CallMgrPartyContext,
        string? PendingOperationId,
        CoAddressFamily? AddressFamily,
        Sap? Sap,
        CallParameters? CallParameters,
        string? CloseData,
        byte? Cause)
    {
        public static Entry From(NdisEvent e) => new(
            e.Sequence, e.Timestamp, e.Name, e.Role, e.Status, e.NdisAfHandle, e.NdisSapHandle, e.NdisVcHandle, e.NdisPartyHandle,
            e.ClientAfContext, e.ProtocolSapContext, e.ProtocolVcContext, e.ProtocolPartyContext, e.CallMgrAfContext,
            e.CallMgrSapContext, e.CallMgrVcContext, e.CallMgrPartyContext, e.PendingOperationId, e.AddressFamily, e.Sap,
            e.CallParameters, e.CloseData, e.Cause);

        public NdisEvent ToEvent() => new()
        {
            Sequence = Sequence, Timestamp = Timestamp, Name = Name, Role = Role, Status = Status, NdisAfHandle = NdisAfHandle,
            NdisSapHandle = NdisSapHandle, NdisVcHandle = NdisVcHandle, NdisPartyHandle = NdisPartyHandle,
            ClientAfContext = ClientAfContext, ProtocolSapContext = ProtocolSapContext, ProtocolVcContext = ProtocolVcContext,
            ProtocolPartyContext = ProtocolPartyContext, CallMgrAfContext = CallMgrAfContext, CallMgrSapContext = CallMgrSapContext,
            CallMgrVcContext = CallMgrVcContext, CallMgrPartyContext = CallMgrPartyContext, PendingOperationId = PendingOperationId,
            AddressFamily = AddressFamily, Sap = Sap, CallParameters = CallParameters, CloseData = CloseData, Cause = Cause,
        };
    }
}
