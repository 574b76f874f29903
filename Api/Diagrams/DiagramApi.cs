using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using NdisMock.Api.Sandboxes;
using NdisMock.Domain;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace NdisMock.Api.Diagrams;

/// <summary><c>GetSequenceDiagram</c>: a range of the journal as a Mermaid sequence diagram.</summary>
internal static class DiagramApi
{
    public const string OperationId = "GetSequenceDiagram";

    public static IEndpointRouteBuilder MapDiagram(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/sandboxes/{sandboxId}").RequireSandboxKey().WithTags("Observation")
            .MapGet("/diagram", GetSequenceDiagram)
            .AllowOperator()
            .WithName(OperationId)
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

/// <summary>
/// In the document, GetSequenceDiagram's answer has an example drawn by the renderer itself: a sandbox's journal up to a
/// connected call, as the README's seed flow makes it (handles tagged k3x9, as the README shows them).
/// </summary>
internal sealed class DiagramExampleFilter : IOperationFilter
{
    private static readonly Lazy<string> Example = new(() =>
    {
        var sandbox = new Sandbox(handleTag: "k3x9");
        var af = sandbox.NdisClOpenAddressFamilyEx(CoAddressFamily.Q2931, "my-af").NdisAfHandle!;
        var vc = sandbox.NdisCoCreateVc(af, "my-vc").NdisVcHandle!;
        var made = sandbox.NdisClMakeCall(vc, null, null);
        sandbox.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success);
        return SequenceDiagram.Render(sandbox.GetEvents(0), sandbox.GetViolations());
    });

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.OperationId == DiagramApi.OperationId
            && operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse { Content: { } content } response
            && content.TryGetValue(SequenceDiagram.MediaType, out var mermaid))
        {
            response.Description = "Mermaid sequenceDiagram text.";
            mermaid.Example = JsonValue.Create(Example.Value);
        }
    }
}
