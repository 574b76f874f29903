using NdisMock.Api.Contracts;
using NdisMock.Api.Sandboxes;
using NdisMock.Domain;

namespace NdisMock.Api;

/// <summary>
/// The one map from domain outcomes to HTTP (API.md §3): the HTTP status says whether the call was legal, the NDIS
/// status what NDIS or the MCM answered. Every non-2xx answer is RFC 9457 problem details.
/// </summary>
internal static class Problems
{
    public static Results<Ok<OperationResponse>, Created<OperationResponse>, Accepted<OperationResponse>, ProblemHttpResult> ToHttp(
        this Outcome outcome, SandboxScope scope)
    {
        NdisMetrics.Note(scope.Http, outcome);
        return outcome.Kind switch
        {
            OutcomeKind.Refused => Refused(outcome.Violation!),
            OutcomeKind.Pended => TypedResults.Accepted(PendingLocation(scope, outcome.PendingOperationId!), outcome.ToResponse()),
            _ when outcome.Created => TypedResults.Created(SandboxLocation(scope), outcome.ToResponse()),
            _ => TypedResults.Ok(outcome.ToResponse()),
        };
    }

    /// <summary>A call the WDK forbids: 409 state, 400 argument, 404 unknown handle, 410 dead handle; 409 for an operator's quota.</summary>
    public static ProblemHttpResult Refused(Violation violation)
    {
        var rule = violation.Rule;
        var extensions = new Dictionary<string, object?>
        {
            ["rule"] = rule.Id,
            ["severity"] = violation.Severity.ToString(),
            ["reference"] = rule.Reference,
            ["referenceUrl"] = rule.ReferenceUrl,
            ["operation"] = violation.Operation,
            ["violationSequence"] = violation.Sequence,
            ["journalSequence"] = violation.JournalSequence,
        };
        if (rule.Result is { } status)
        {
            extensions["ndisStatus"] = status.Name;
            extensions["ndisStatusCode"] = status.Hex;
        }

        return TypedResults.Problem(
            detail: violation.Detail,
            statusCode: StatusOf(rule.Refusal),
            title: rule.Summary,
            type: $"/rules/{rule.Id}",
            extensions: extensions);
    }

    public static int StatusOf(Refusal refusal) => refusal switch
    {
        Refusal.Argument => StatusCodes.Status400BadRequest,
        Refusal.UnknownHandle => StatusCodes.Status404NotFound,
        Refusal.StaleHandle => StatusCodes.Status410Gone,
        _ => StatusCodes.Status409Conflict,
    };

    private static string PendingLocation(SandboxScope scope, string pendingOperationId) => $"/sandboxes/{scope.SandboxId}/pending/{pendingOperationId}";

    private static string SandboxLocation(SandboxScope scope) => scope.Entry.Location;
}
