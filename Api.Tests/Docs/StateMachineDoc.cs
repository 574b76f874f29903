using System.Text;
using NdisMock.Domain;

namespace NdisMock.Api.Tests.Docs;

/// <summary>
/// docs/state-machines.md: each machine of <see cref="StateMachines.All"/> as a Mermaid state diagram and as its table,
/// both rendered from the rows that decide its transitions.
/// </summary>
public static class StateMachineDoc
{
    public const string Path = "docs/state-machines.md";

    public static string Render()
    {
        var text = new StringBuilder();
        text.Append("# State machines\n\n");
        text.Append(DocsGenerator.Banner("the transition tables in Domain/Machines (NdisMock.Domain.StateMachines)"));
        text.Append("Each CoNDIS object NdisMock models changes state only through one transition table, in its own file under ");
        text.Append("`Domain/Machines/`. The first row whose state, trigger and guard match decides: it moves the object, or refuses ");
        text.Append("the trigger with a rule of the [catalogue](rules.md), and a refused call changes nothing. The diagram draws the ");
        text.Append("rows that move an object (an object starts in the first state listed); the table gives every row in the order ");
        text.Append("they are tried, `*` meaning any state no earlier row of that trigger took. A remark marks a row the WDK's pages do ");
        text.Append("not give, and says why NdisMock has it.\n");
        foreach (var machine in StateMachines.All)
        {
            text.Append($"\n## {Title(machine)}\n\n");
            text.Append("States: ").Append(string.Join(", ", machine.States.Select(s => $"`{s}`"))).Append(".\n\n");
            text.Append("```mermaid\nstateDiagram-v2\n");
            text.Append($"    [*] --> {machine.States[0]}\n");
            foreach (var row in machine.Rows.Where(r => r.RuleId is null && r.From != "*").DistinctBy(r => (r.From, r.To, r.Trigger, r.Guard)))
            {
                var label = row.Guard is null ? row.Trigger : $"{row.Trigger}, if {row.Guard}";
                text.Append($"    {row.From} --> {row.To}: {label}{(row.Remark is null ? "" : " †")}\n");
            }

            text.Append("```\n\n† a row the WDK's pages do not give (see its remark below).\n\n");
            text.Append("| From | Trigger | Guard | Then | Remark |\n|---|---|---|---|---|\n");
            foreach (var row in machine.Rows)
            {
                var then = row.RuleId is { } id ? $"refused, [{id}](rules.md#{id.ToLowerInvariant()})" : $"→ `{row.To}`";
                text.Append($"| `{row.From}` | {row.Trigger} | {Cell(row.Guard)} | {then} | {Cell(row.Remark)} |\n");
            }
        }

        return text.ToString();
    }

    /// <summary>The heading, whose anchor is the machine's own (docs/state-machines.md#call), as the code's comments cite it.</summary>
    private static string Title(StateMachineDescription machine) =>
        machine.Anchor == machine.Name.ToLowerInvariant() ? machine.Name : $"{machine.Name} <a id=\"{machine.Anchor}\"></a>";

    private static string Cell(string? value) => value?.Replace("|", "\\|", StringComparison.Ordinal) ?? "";
}
