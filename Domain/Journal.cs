namespace NdisMock.Domain;

/// <summary>
/// A sandbox's event journal: gap-free sequence numbers, bounded to the newest <c>capacity</c> events so memory
/// stays flat however long the sandbox lives. Not thread-safe: the owning sandbox serialises access.
/// </summary>
public sealed class Journal(int capacity) : IUndoable
{
    private readonly NdisEvent[] _ring = new NdisEvent[Math.Max(1, capacity)];
    private long _last;

    /// <summary>The sandbox's undo log: inside a turn each append notes how to take it back.</summary>
    internal UndoLog? Undo { get; init; }

    /// <summary>The newest sequence number issued (0 before the first event).</summary>
    public long LastSequence => _last;

    /// <summary>The oldest sequence still kept (LastSequence + 1 when empty).</summary>
    public long FirstRetained => Math.Max(1, _last - _ring.Length + 1);

    public int Count => (int)Math.Min(_last, _ring.Length);

    /// <summary>
    /// Stamps the event with the next sequence number and the time, and keeps it. The event is stamped in place rather
    /// than copied: it is a fresh object no one else holds (the allocation profile of the hot path showed the copy).
    /// </summary>
    public NdisEvent Append(NdisEvent e, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Sequence != 0)
        {
            throw new InvalidOperationException($"Event {e.Name} was already appended as {e.Sequence}.");
        }

        e.Sequence = ++_last;
        e.Timestamp = now;
        var slot = (_last - 1) % _ring.Length;
        if (Undo is { IsRecording: true })
        {
            // The slot and the event it held, as data: a closure would be two more objects on every append.
            Undo.Record(this, slot, _ring[slot]);
        }

        _ring[slot] = e;
        return e;
    }

    void IUndoable.Undo(long slot, object? overwritten, object? unused)
    {
        _ring[slot] = (NdisEvent)overwritten!;
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
            result[i] = _ring[(from + i - 1) % _ring.Length];
        }

        return result;
    }
}
