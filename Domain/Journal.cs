namespace NdisMock.Domain;

/// <summary>
/// A sandbox's event journal: gap-free sequence numbers, bounded to the newest <c>capacity</c> events so memory
/// stays flat however long the sandbox lives. Not thread-safe: the owning sandbox serialises access.
/// </summary>
public sealed class Journal(int capacity)
{
    private readonly NdisEvent[] _ring = new NdisEvent[Math.Max(1, capacity)];
    private long _last;

    /// <summary>The newest sequence number issued (0 before the first event).</summary>
    public long LastSequence => _last;

    /// <summary>The oldest sequence still kept (LastSequence + 1 when empty).</summary>
    public long FirstRetained => Math.Max(1, _last - _ring.Length + 1);

    public int Count => (int)Math.Min(_last, _ring.Length);

    public NdisEvent Append(NdisEvent e, DateTimeOffset now)
    {
        var stamped = e with { Sequence = _last + 1, Timestamp = now };
        _ring[_last % _ring.Length] = stamped;
        _last++;
        return stamped;
    }

    /// <summary>The events after <paramref name="after"/> that are still kept, oldest first, at most <paramref name="max"/>.</summary>
    public IReadOnlyList<NdisEvent> After(long after, int max)
    {
        var from = Math.Max(after + 1, FirstRetained);
        var count = (int)Math.Clamp(_last - from + 1, 0, max);
        var result = new NdisEvent[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = _ring[(from + i - 1) % _ring.Length];
        }

        return result;
    }
}
