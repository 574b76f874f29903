namespace NdisMock.Domain;

/// <summary>
/// Something whose changes inside a turn note their inverse as data rather than as a closure: the journal and the
/// dictionaries change on every turn, and a closure for each change is two objects on the heap.
/// </summary>
internal interface IUndoable
{
    /// <summary>Puts back one change, told by what <see cref="UndoLog.Record(IUndoable, long, object?, object?)"/> was given.</summary>
    void Undo(long change, object? first, object? second);
}

/// <summary>
/// What the running turns changed, as the steps that put it back: the objects, the ledger, the link, the journal and the
/// findings record the inverse of each change while a turn runs, so a turn that throws for any reason, not only a
/// refusal, leaves the sandbox as it found it. One per sandbox, used under its lock; each <see cref="Turn"/> owns the
/// steps from its mark on (a turn run inside a turn, by a subscriber calling back, owns the later ones). Outside a turn
/// nothing is recorded, and a change made then allocates nothing here.
/// </summary>
internal sealed class UndoLog
{
    private readonly List<Step> _steps = [];
    private Action? _forget;
    private int _depth;

    /// <summary>Whether a turn is running, so changes must say how to undo themselves.</summary>
    public bool IsRecording => _depth > 0;

    /// <summary>
    /// Changes whenever a turn begins or ends: an object that notes its whole state once per epoch (<see cref="Remembers"/>)
    /// notes it again for a turn inside the turn, so that each turn can put back exactly what it changed.
    /// </summary>
    public long Epoch { get; private set; }

    /// <summary>
    /// Whether an object last noted at <paramref name="epoch"/> must note its state now, before a change; when so,
    /// <paramref name="epoch"/> becomes the current one.
    /// </summary>
    public bool Remembers(ref long epoch)
    {
        if (_depth == 0 || epoch == Epoch)
        {
            return false;
        }

        epoch = Epoch;
        return true;
    }

    /// <summary>Notes how to put one change back, when a turn is running.</summary>
    public void Record(Action undo)
    {
        if (_depth > 0)
        {
            _steps.Add(new Step(null, 0, undo, null));
        }
    }

    /// <summary>Notes how to put one change back, when a turn is running: <paramref name="target"/> undoes it from the arguments.</summary>
    public void Record(IUndoable target, long change, object? first = null, object? second = null)
    {
        if (_depth > 0)
        {
            _steps.Add(new Step(target, change, first, second));
        }
    }

    /// <summary>
    /// Tells a recorder of changes that keeps what its steps need beside them (the journal keeps the events it overwrote)
    /// when no step is left: once the outermost turn is kept or rolled back.
    /// </summary>
    public void OnForget(Action forget) => _forget += forget;

    /// <summary>Starts a turn; returns its mark, where its steps begin.</summary>
    public int Begin()
    {
        _depth++;
        Epoch++;
        return _steps.Count;
    }

    /// <summary>Keeps the turn's changes. The outermost turn forgets how to undo them; an inner one leaves them to its caller.</summary>
    public void Keep()
    {
        End();
        if (_depth == 0)
        {
            _steps.Clear();
            _forget?.Invoke();
        }
    }

    /// <summary>Puts back every change since <paramref name="mark"/>, newest first.</summary>
    public void RollBack(int mark)
    {
        End();
        for (var i = _steps.Count - 1; i >= mark; i--)
        {
            var step = _steps[i];
            if (step.Target is { } target)
            {
                target.Undo(step.Change, step.First, step.Second);
            }
            else
            {
                ((Action)step.First!)();
            }
        }

        _steps.RemoveRange(mark, _steps.Count - mark);
        if (_depth == 0)
        {
            _forget?.Invoke();
        }
    }

    /// <summary>One step back: a target and what it needs to undo the change, or, without a target, a closure in First.</summary>
    private readonly record struct Step(IUndoable? Target, long Change, object? First, object? Second);

    private void End()
    {
        _depth--;
        Epoch++;
    }
}

/// <summary>A dictionary of the sandbox's state whose changes inside a turn are undone when the turn fails.</summary>
internal sealed class TurnDictionary<TKey, TValue>(UndoLog undo, IEqualityComparer<TKey>? comparer = null) : IEnumerable<KeyValuePair<TKey, TValue>>, IUndoable
    where TKey : notnull
{
    private const long Added = 0;
    private const long Removed = 1;

    private readonly Dictionary<TKey, TValue> _items = new(comparer);

    public int Count => _items.Count;

    public Dictionary<TKey, TValue>.ValueCollection Values => _items.Values;

    public Dictionary<TKey, TValue>.KeyCollection Keys => _items.Keys;

    public TValue this[TKey key] => _items[key];

    public bool TryGetValue(TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value) => _items.TryGetValue(key, out value);

    public bool ContainsKey(TKey key) => _items.ContainsKey(key);

    public TValue? GetValueOrDefault(TKey key) => _items.GetValueOrDefault(key);

    public void Add(TKey key, TValue value)
    {
        _items.Add(key, value);
        if (undo.IsRecording)
        {
            undo.Record(this, Added, key);
        }
    }

    public bool Remove(TKey key)
    {
        if (!_items.Remove(key, out var old))
        {
            return false;
        }

        if (undo.IsRecording)
        {
            undo.Record(this, Removed, key, old);
        }

        return true;
    }

    void IUndoable.Undo(long change, object? key, object? value)
    {
        if (change == Added)
        {
            _items.Remove((TKey)key!);
        }
        else
        {
            _items.Add((TKey)key!, (TValue)value!);
        }
    }

    /// <summary>Empties the dictionary; only outside a turn (Reset), so nothing is recorded.</summary>
    public void Clear() => _items.Clear();

    public Dictionary<TKey, TValue>.Enumerator GetEnumerator() => _items.GetEnumerator();

    IEnumerator<KeyValuePair<TKey, TValue>> IEnumerable<KeyValuePair<TKey, TValue>>.GetEnumerator() => _items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _items.GetEnumerator();
}
