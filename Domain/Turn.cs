namespace NdisMock.Domain;

/// <summary>
/// What one turn carries while it runs: the NDIS function it serves, the warnings it found, the changes it commits only
/// if it ends without a refusal, the journal's position when it began (a refusal must leave the journal there), and its
/// part of the sandbox's <see cref="UndoLog"/>: how to put back what it changed, should it refuse or fail.
/// </summary>
internal sealed class Turn(EventName operation, string? label, long journalMark, UndoLog? undo = null)
{
    private readonly int _undoMark = undo?.Begin() ?? 0;

    public EventName Operation { get; } = operation;

    /// <summary>The function the turn serves, as findings name it: the operation, or a label where it differs.</summary>
    public string OperationName { get; } = label ?? operation.ToString();

    public List<Violation> Warnings => _warnings ??= [];

    /// <summary>Changes that happen only if the turn succeeds: the countdown of an injected failure, a fault draw.</summary>
    public List<Action> Commits => _commits ??= [];

    // Both lists are made when the first item comes: most turns find nothing and commit nothing, and one turn runs per request.
    private List<Violation>? _warnings;
    private List<Action>? _commits;

    public bool HasWarnings => _warnings is { Count: > 0 };

    /// <summary>Runs the changes the turn commits, in the order they were noted.</summary>
    public void Commit()
    {
        if (_commits is null)
        {
            return;
        }

        foreach (var commit in _commits)
        {
            commit();
        }
    }

    public long JournalMark { get; } = journalMark;

    /// <summary>The turn holds: its changes stay.</summary>
    public void Keep() => undo?.Keep();

    /// <summary>The turn refused or failed: everything it changed is put back, newest first.</summary>
    public void RollBack() => undo?.RollBack(_undoMark);
}
