namespace NdisMock.Domain;

/// <summary>
/// One row of a state machine's transition table, as the documentation renders it (docs/state-machines.md): from a
/// state (or <c>*</c>, any state no earlier row took), on a trigger, with an optional guard, to a state, or refused with
/// a rule of the catalogue. A remark marks a row the WDK's pages do not give, with why NdisMock has it.
/// </summary>
/// <param name="From">The state the row applies in, or <c>*</c> for every state no earlier row of the trigger matched.</param>
/// <param name="Trigger">What happens: the NDIS call or completion the row answers.</param>
/// <param name="To">The state after; the same as <paramref name="From"/> for a trigger that leaves the state as it is; null when refused.</param>
/// <param name="Guard">The condition the row needs besides its state, in words; null when it has none.</param>
/// <param name="RuleId">For a refused trigger: the rule it breaks (docs/rules.md).</param>
/// <param name="Remark">Why NdisMock has a row the WDK does not.</param>
public sealed record TransitionRow(string From, string Trigger, string? To, string? Guard, string? RuleId, string? Remark);

/// <summary>A state machine of the CoNDIS model: its states and its transition table, rows in the order they are tried.</summary>
/// <param name="Name">The machine's name: AF open, SAP, VC, call, party.</param>
/// <param name="Anchor">Its section in docs/state-machines.md (<c>af</c>, <c>sap</c>, <c>vc</c>, <c>call</c>, <c>party</c>).</param>
public sealed record StateMachineDescription(string Name, string Anchor, IReadOnlyList<string> States, IReadOnlyList<TransitionRow> Rows);

/// <summary>Every state machine of the model, described from the very tables that decide its transitions.</summary>
public static class StateMachines
{
    public static IReadOnlyList<StateMachineDescription> All { get; } =
    [
        AddressFamilyOpen.Machine.Describe(),
        ServiceAccessPoint.Machine.Describe(),
        VirtualConnection.Machine.Describe(),
        Call.Machine.Describe(),
        Party.Machine.Describe(),
    ];
}

/// <summary>A condition a row needs besides its state: its wording for the documentation, and its test.</summary>
internal sealed record Guard<TContext>(string Text, Func<TContext, bool> Holds);

/// <summary>
/// One row: in any of <paramref name="From"/> (empty: any state), on <paramref name="Trigger"/>, when
/// <paramref name="When"/> holds, go to <paramref name="To"/> (null: stay), or refuse with <paramref name="Refused"/>.
/// </summary>
internal sealed record Row<TState, TTrigger, TContext>(
    TState[] From,
    TTrigger Trigger,
    TState? To = null,
    Guard<TContext>? When = null,
    Rule? Refused = null,
    string? Remark = null)
    where TState : struct, Enum
    where TTrigger : struct, Enum;

/// <summary>
/// A transition table: the first row whose state, trigger and guard match decides. A trigger that no row takes in a
/// state is a bug in the sandbox's order of checks, so applying it throws.
/// </summary>
internal sealed class TransitionTable<TState, TTrigger, TContext>(string name, string anchor, IReadOnlyList<Row<TState, TTrigger, TContext>> rows)
    where TState : struct, Enum
    where TTrigger : struct, Enum
{
    public Row<TState, TTrigger, TContext>? Find(TState from, TTrigger trigger, TContext context) =>
        rows.FirstOrDefault(r => EqualityComparer<TTrigger>.Default.Equals(r.Trigger, trigger)
            && (r.From.Length == 0 || r.From.Contains(from))
            && (r.When is null || r.When.Holds(context)));

    /// <summary>The rule the table refuses <paramref name="trigger"/> with in <paramref name="from"/>, or null when it allows it.</summary>
    public Rule? RefusalOf(TState from, TTrigger trigger, TContext context) =>
        Find(from, trigger, context) is { } row ? row.Refused : throw new InvalidOperationException($"{name}: no row for {trigger} in {from}.");

    public bool Allows(TState from, TTrigger trigger, TContext context) => Find(from, trigger, context) is { Refused: null };

    /// <summary>The state <paramref name="trigger"/> leads to from <paramref name="from"/>; throws when the table refuses it or has no row.</summary>
    public TState Next(TState from, TTrigger trigger, TContext context) => Find(from, trigger, context) switch
    {
        { Refused: null } row => row.To ?? from,
        _ => throw new InvalidOperationException($"{name}: {trigger} is not allowed in {from}."),
    };

    public StateMachineDescription Describe() => new(
        name,
        anchor,
        [.. Enum.GetNames<TState>()],
        [
            .. rows.SelectMany(r => (r.From.Length == 0 ? [default(TState?)] : r.From.Select(f => (TState?)f))
                .Select(from => new TransitionRow(
                    from?.ToString() ?? "*",
                    r.Trigger.ToString(),
                    r.Refused is not null ? null : (r.To ?? from)?.ToString() ?? "*",
                    r.When?.Text,
                    r.Refused?.Id,
                    r.Remark))),
        ]);
}
