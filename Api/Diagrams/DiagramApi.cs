using System.ComponentModel.DataAnnotations;
using NdisMock.Api.Sandboxes;

namespace NdisMock.Api.Diagrams;

/// <summary><c>GetSequenceDiagram</c>: a range of the journal as a Mermaid sequence diagram.</summary>
internal static class DiagramApi
{
    public static IEndpointRouteBuilder MapDiagram(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/sandboxes/{sandboxId}").RequireSandboxKey().WithTags("Observation")
            .MapGet("/diagram", GetSequenceDiagram)
            .AllowOperator()
            .WithName("GetSequenceDiagram")
            .WithSummary("The journal as a Mermaid sequence diagram: Client, NDIS, MCM and Network, one arrow per event.")
            .WithDescription(
                "Mermaid sequenceDiagram text (paste it into a ```mermaid block of GitHub or GitLab markdown) for the events after sequence 'after', " +
                "up to sequence 'until', at most 'max'. Each journal event is one solid arrow (->>) from caller to callee, labelled with its " +
                "sequence, the function and its status; a request pended by a handler or callback holds an activation bar on the side that owes " +
                "the completion, and the completion's label names the pending operation it closes; what the network did is an open arrow from " +
                "Network; every violation is a highlighted note right after the event it follows (its journalSequence). Events older than the " +
                "oldest the journal keeps answer 410, as GetEvents does.")
            .Produces<string>(StatusCodes.Status200OK, SequenceDiagram.MediaType)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status410Gone);
        return app;
    }

    private static Results<ContentHttpResult, ProblemHttpResult> GetSequenceDiagram(
        [AsParameters] SandboxScope scope,
        [Range(0, long.MaxValue)] long after = 0,
        [Range(0, long.MaxValue)] long? until = null,
        [Range(1, 10_000)] int max = 1000)
    {
        var sandbox = scope.Sandbox;
        if (after + 1 < sandbox.OldestEventKept)
        {
            var oldest = sandbox.OldestEventKept;
            return ProblemCatalogue.EventsNoLongerKept(after, oldest);
        }

        var events = sandbox.GetEvents(after, max).TakeWhile(e => until is null || e.Sequence <= until).ToList();
        return TypedResults.Text(SequenceDiagram.Render(events, sandbox.GetViolations(), after), SequenceDiagram.MediaType + "; charset=utf-8");
    }
}
