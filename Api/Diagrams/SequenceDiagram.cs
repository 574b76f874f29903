using System.Text;
using NdisMock.Domain;

namespace NdisMock.Api.Diagrams;

/// <summary>
/// A journal as a Mermaid <c>sequenceDiagram</c> (text GitHub and GitLab render in markdown): participants Client, NDIS,
/// MCM and Network; each journal event one solid arrow (<c>-&gt;&gt;</c>) labelled with its sequence, the function and its
/// status; a request a handler pended holds an activation bar on whoever pended it until the completion that closes it,
/// whose label names the pending operation; what the network did (a rejection's cause, a remote clear, an incoming
/// offer) an open dotted arrow (<c>--)</c>) from Network; each violation a highlighted note right after the event it
/// follows. Pure: events and violations in, text out, so the same picture can be drawn from any journal.
/// </summary>
public static class SequenceDiagram
{
    public const string MediaType = "text/vnd.mermaid";

    public static readonly string[] Participants = ["Client", "NDIS", "MCM", "Network"];

    /// <summary>
    /// Renders <paramref name="events"/> (oldest first, the range after <paramref name="after"/>) with those of the
    /// <paramref name="violations"/> that follow one of them.
    /// </summary>
    public static string Render(IReadOnlyList<NdisEvent> events, IEnumerable<Violation> violations, long after = 0)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(violations);
        var last = events.Count > 0 ? events[^1].Sequence : after;
        var notes = violations
            .Where(v => v.JournalSequence > after && v.JournalSequence <= last)
            .GroupBy(v => v.JournalSequence)
            .ToDictionary(g => g.Key, g => g.OrderBy(v => v.Sequence).ToList());

        var text = new StringBuilder("sequenceDiagram\n");
        foreach (var participant in Participants)
        {
            text.Append("    participant ").Append(participant).Append('\n');
        }

        // Requests pended within the range hold an activation bar until the event that closes them.
        var open = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            var (from, to) = Arrow(e);
            if (Network(e, from, to) is { } signal)
            {
                text.Append("    Network--)MCM: ").Append(Escape(signal)).Append('\n');
            }

            var closes = e.PendingOperationId is { } id && e.Status is { IsPending: false } && open.ContainsKey(id) ? id : null;
            text.Append("    ").Append(from).Append("->>").Append(to).Append(": ").Append(Escape(Label(e, closes))).Append('\n');
            if (closes is not null)
            {
                text.Append("    deactivate ").Append(open[closes]).Append('\n');
                open.Remove(closes);
            }
            else if (from == "NDIS" && e.PendingOperationId is { } pended && e.Status is { IsPending: true } && !open.ContainsKey(pended))
            {
                // The handler or callback that answered NDIS_STATUS_PENDING owes the completion.
                text.Append("    activate ").Append(to).Append('\n');
                open[pended] = to;
            }

            if (notes.TryGetValue(e.Sequence, out var found))
            {
                AppendNotes(text, found);
            }
        }

        return text.ToString();
    }

    /// <summary>Who calls whom: a function goes from its caller to NDIS; a handler or callback from NDIS to the side it runs in.</summary>
    public static (string From, string To) Arrow(NdisEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var name = e.Name.ToString();
        if (name.StartsWith("NdisMCm", StringComparison.Ordinal))
        {
            return ("MCM", "NDIS");
        }

        if (name.StartsWith("Ndis", StringComparison.Ordinal))
        {
            return ("Client", "NDIS");
        }

        return name.StartsWith("ProtocolCm", StringComparison.Ordinal) || e.Role == Role.Mcm ? ("NDIS", "MCM") : ("NDIS", "Client");
    }

    /// <summary>The label of an event's arrow: "17 ProtocolClCloseCallComplete: SUCCESS", with the pending operation it pends or closes.</summary>
    public static string Label(NdisEvent e, string? closes = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        var label = new StringBuilder().Append(e.Sequence).Append(' ').Append(e.Name);
        if (e.Status is { } status)
        {
            label.Append(": ").Append(Short(status.Name));
        }

        if (e.Cause is { } cause)
        {
            label.Append(", cause ").Append(cause);
        }

        if (e.PendingOperationId is { } id)
        {
            label.Append(closes is not null ? ", closes " : e.Status is { IsPending: true } ? ", pends " : ", ").Append(id);
        }

        return label.ToString();
    }

    /// <summary>
    /// What the network behind the MCM did for this event, if anything: an offer, a clear, a drop, a QoS change, or the
    /// rejection whose Q.2931 cause the MCM's answer carries (the callback that passes the cause on to the client draws none).
    /// </summary>
    private static string? Network(NdisEvent e, string from, string to) => e.Name switch
    {
        EventName.NdisMCmDispatchIncomingCall => "incoming call",
        EventName.NdisMCmDispatchIncomingCloseCall => e.Cause is { } cause ? $"remote clear, cause {cause}" : "remote clear",
        EventName.NdisMCmDispatchIncomingDropParty => "remote drop",
        EventName.NdisMCmDispatchIncomingCallQoSChange => "remote QoS change",
        _ when e.Cause is { } cause && (from == "MCM" || to == "MCM") => $"rejected, cause {cause}",
        _ => null,
    };

    private static void AppendNotes(StringBuilder text, List<Violation> violations)
    {
        foreach (var v in violations)
        {
            var over = v.Operation.StartsWith("NdisMCm", StringComparison.Ordinal) || v.Operation == "CompletePendingOperation" ? "NDIS,MCM" : "Client,NDIS";
            var color = v.Severity == Severity.Warning ? "rgb(255, 243, 205)" : "rgb(255, 221, 221)";
            text.Append("    rect ").Append(color).Append('\n')
                .Append("    Note over ").Append(over).Append(": ")
                .Append(Escape($"{v.Rule.Id} {v.Severity}: {v.Operation}, {v.Rule.Summary}")).Append('\n')
                .Append("    end\n");
        }
    }

    private static string Short(string status) => status.StartsWith("NDIS_STATUS_", StringComparison.Ordinal) ? status["NDIS_STATUS_".Length..] : status;

    /// <summary>Mermaid reads ';' and '#' in a label as syntax, and a line break ends it; entity codes stand for them.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '#' => "#35;",
                ';' => "#59;",
                '<' => "#60;",
                '>' => "#62;",
                '\r' or '\n' => " ",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }
}
