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

    public List<Violation> Warnings { get; } = [];

    /// <summary>Changes that happen only if the turn succeeds: the countdown of an injected failure, a fault draw.</summary>
    public List<Action> Commits { get; } = [];

    public long JournalMark { get; } = journalMark;

    /// <summary>The turn holds: its changes stay.</summary>
    public void Keep() => undo?.Keep();

    /// <summary>The turn refused or failed: everything it changed is put back, newest first.</summary>
    public void RollBack() => undo?.RollBack(_undoMark);
}
