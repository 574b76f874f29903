using System.Globalization;

namespace NdisMock.Api;

/// <summary>
/// Every problem NdisMock answers that is not a verifier refusal (those come from <see cref="Problems.Refused"/>): one
/// named entry per kind, with its status, title and wording, so the middleware, the handlers and the OpenAPI examples
/// all say the same thing. A limit's problem names its setting in <c>limit</c> and changes nothing.
/// </summary>
internal static class ProblemCatalogue
{
    public static ProblemHttpResult UnknownSandbox(string id) =>
        Make(StatusCodes.Status404NotFound, "Unknown sandbox", $"There is no sandbox '{id}' (never created, deleted, or expired).");

    public static ProblemHttpResult SandboxKeyRequired() =>
        Make(StatusCodes.Status401Unauthorized, "Sandbox key required", "Send the key returned by CreateSandbox in the X-Sandbox-Key header.");

    public static ProblemHttpResult WrongSandboxKey(string id) =>
        Make(StatusCodes.Status403Forbidden, "Wrong sandbox key", $"The X-Sandbox-Key header does not hold the key of sandbox {id}.");

    public static ProblemHttpResult NoOperatorConfigured() =>
        Make(StatusCodes.Status403Forbidden, "No operator configured", "This instance has no operator key (Operator__Key), so nobody may list sandboxes.");

    public static ProblemHttpResult OperatorKeyRequired() =>
        Make(StatusCodes.Status401Unauthorized, "Operator key required", "Send the operator's key in the X-Operator-Key header.");

    public static ProblemHttpResult WrongOperatorKey() =>
        Make(StatusCodes.Status403Forbidden, "Wrong operator key", "The X-Operator-Key header does not hold the operator's key.");

    /// <summary>The sandbox has spent its allowance of requests (send Retry-After with it).</summary>
    public static ProblemHttpResult SandboxAllowanceSpent(long retryAfterSeconds) =>
        Make(StatusCodes.Status429TooManyRequests, "Too many requests",
            $"This sandbox has used its allowance of requests (Sandboxes__RateLimitPermits per Sandboxes__RateLimitPeriod). Retry after {retryAfterSeconds} s.",
            Limit("RateLimitPermits", ("retryAfterSeconds", retryAfterSeconds)));

    /// <summary>One client address has created as many sandboxes as a period allows (send Retry-After with it).</summary>
    public static ProblemHttpResult ClientCreatedTooManySandboxes(int permits, TimeSpan period, long retryAfterSeconds) =>
        Make(StatusCodes.Status429TooManyRequests, "Too many sandboxes from this client",
            $"This client address has created {permits} sandboxes in {period:c} (Limits__SandboxesPerClient per Limits__SandboxesPerClientPeriod). Delete the ones you no longer use; retry after {retryAfterSeconds} s.",
            Limit("SandboxesPerClient", ("maximum", permits), ("retryAfterSeconds", retryAfterSeconds)));

    /// <summary>One client address has opened as many hub negotiations as a period allows (send Retry-After with it).</summary>
    public static ProblemHttpResult TooManyNegotiations(int permits, TimeSpan period, long retryAfterSeconds) =>
        Make(StatusCodes.Status429TooManyRequests, "Too many hub negotiations",
            $"This client address has negotiated {permits} hub connections in {period:c} (Limits__NegotiationsPerClient per Limits__NegotiationsPerClientPeriod). Retry after {retryAfterSeconds} s.",
            Limit("NegotiationsPerClient", ("maximum", permits), ("retryAfterSeconds", retryAfterSeconds)));

    /// <summary>A sandbox already has as many long-polls (GetEvents with wait) open as allowed.</summary>
    public static ProblemHttpResult TooManyWaits(int maximum) =>
        Make(StatusCodes.Status429TooManyRequests, "Too many waiting requests",
            $"This sandbox already has {maximum} GetEvents requests waiting, its maximum (Sandboxes__MaxWaitsPerSandbox). Wait on fewer at once, or subscribe on the hub.",
            Limit("MaxWaitsPerSandbox", ("maximum", maximum), ("retryAfterSeconds", 1L)));

    /// <summary>The instance is above its memory budget: new work is refused until it is below again (send Retry-After with it).</summary>
    public static ProblemHttpResult MemoryBudgetReached(long budgetBytes) =>
        Make(StatusCodes.Status503ServiceUnavailable, "Instance memory budget reached",
            $"This instance uses more than its memory budget of {budgetBytes / (1024 * 1024)} MiB (Limits__MemoryBudgetMiB), so it takes no new work now. Reads and deletes still work; retry later.",
            Limit("MemoryBudgetMiB", ("maximum", budgetBytes / (1024 * 1024)), ("retryAfterSeconds", 5L)));

    /// <summary>Durable storage (Redis) did not answer: the sandbox cannot be read or changed now, and nothing answered is lost (send Retry-After with it).</summary>
    public static ProblemHttpResult StorageUnavailable() =>
        Make(StatusCodes.Status503ServiceUnavailable, "Storage unavailable",
            "This instance keeps its sandboxes in Redis (Storage__Redis), which did not confirm the operation in time, so it was not answered. The sandbox is reloaded from Redis, which holds every answered operation (and perhaps this one): read the sandbox (GetEvents) before retrying.",
            Limit("Storage", ("retryAfterSeconds", 2L)));

    /// <summary>In a cluster: the node hosting the sandbox went away while the request was on its way there (send Retry-After with it).</summary>
    public static ProblemHttpResult SandboxNodeLost(bool read) =>
        Make(StatusCodes.Status503ServiceUnavailable, "Sandbox node lost",
            read
                ? "The node hosting this sandbox went away and the sandbox did not come back on another node in time. Nothing was changed; retry."
                : "The node hosting this sandbox went away while the request was on its way there: it may or may not have been made. The sandbox comes back on another node within seconds, as every answered operation left it; read it (GetEvents) before retrying.",
            Limit("Cluster", ("retryAfterSeconds", 1L)));

    public static ProblemHttpResult BodyTooLarge(long length, long maximum) =>
        Make(StatusCodes.Status413PayloadTooLarge, "Request body too large",
            $"The body is {length} bytes; this instance accepts at most {maximum} (Sandboxes__MaxRequestBodySize).",
            Limit("MaxRequestBodySize", ("maximum", maximum)));

    /// <summary>A path segment that decodes to "." or "..": the server would resolve it to another route (DELETE …/routes/%2e%2e deleted the sandbox).</summary>
    public static ProblemHttpResult DotSegmentInPath() =>
        Make(StatusCodes.Status400BadRequest, "Dot segment in the path",
            "A path segment is \".\" or \"..\" (perhaps percent-encoded as %2e): it would name another resource. Encode a value that is a dot segment differently.");

    public static ProblemHttpResult SandboxLimitReached(int maximum) =>
        Make(StatusCodes.Status409Conflict, "Sandbox limit reached",
            $"This instance already holds {maximum} sandboxes, its maximum (Sandboxes__MaxSandboxes). Delete one, or wait for unused ones to expire.",
            Limit("MaxSandboxes", ("maximum", maximum)));

    public static ProblemHttpResult RouteLimitReached(int maximum) =>
        Make(StatusCodes.Status409Conflict, "Route limit reached",
            $"This sandbox already holds {maximum} routes, its maximum (Sandboxes__MaxRoutesPerSandbox). Delete some first; nothing changed.",
            Limit("MaxRoutesPerSandbox", ("maximum", maximum)));

    /// <summary>A status no endpoint wrote a body for: no route for the path (404), not this method (405), and the like.</summary>
    public static ProblemHttpResult Unanswered(int status) =>
        Make(status, Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
            status switch
            {
                StatusCodes.Status404NotFound => "Nothing here answers this path: check it against the OpenAPI document (/swagger/v1/swagger.json).",
                StatusCodes.Status405MethodNotAllowed => "The path exists, but not with this method: check the OpenAPI document (/swagger/v1/swagger.json).",
                _ => "The request was not answered.",
            });

    public static ProblemHttpResult NoSuchRoute(string calledAddress) =>
        Make(StatusCodes.Status404NotFound, "No such route", $"There is no route for '{calledAddress}'.");

    public static ProblemHttpResult InvalidRoute(string problem) =>
        Make(StatusCodes.Status400BadRequest, "Invalid route", problem);

    public static ProblemHttpResult TimeDoesNotGoBack() =>
        Make(StatusCodes.Status400BadRequest, "Time does not go back", "by must not be negative.");

    public static ProblemHttpResult TooFarAtOnce(TimeSpan maximum) =>
        Make(StatusCodes.Status400BadRequest, "Too far at once", $"by is at most {maximum:c} a step, and the clock must stay a date.");

    public static ProblemHttpResult NotAVirtualClock() =>
        Make(StatusCodes.Status409Conflict, "Not a virtual clock", "This sandbox runs on the host's clock; create it with clock Virtual to advance time by hand.");

    public static ProblemHttpResult UnknownHandler(string handler, IEnumerable<string> handlers) =>
        Make(StatusCodes.Status404NotFound, "Unknown handler", $"'{handler}' is not a scriptable handler; use one of {string.Join(", ", handlers)}.");

    public static ProblemHttpResult UnknownRule(string ruleId) =>
        Make(StatusCodes.Status404NotFound, "Unknown rule", $"'{ruleId}' is not in the catalogue; GET /rules lists them.");

    public static ProblemHttpResult EventsNoLongerKept(long after, long oldest) =>
        Make(StatusCodes.Status410Gone, "Events no longer kept",
            $"The journal keeps events from {oldest} on; events after {after} up to {oldest - 1} were dropped. Ask for after={oldest - 1} or later.",
            new Dictionary<string, object?> { ["oldestSequenceKept"] = oldest });

    public static ProblemHttpResult NoSuchPendingOperation(string pendingOperationId) =>
        Make(StatusCodes.Status404NotFound, "No such pending operation", $"'{pendingOperationId}' is not pending: completed, or never issued.");

    public static ProblemHttpResult StatusOrCauseRequired() =>
        Make(StatusCodes.Status400BadRequest, "Status or cause required", "Give the close status, or the Q.2931 cause it follows from.");

    public static ProblemHttpResult UnsupportedMediaType() =>
        Make(StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type", "Expected a supported JSON media type but got \"text/plain\".");

    /// <summary>Sets Retry-After from a problem's retryAfterSeconds extension, if it has one.</summary>
    public static ProblemHttpResult WithRetryAfter(this ProblemHttpResult problem, HttpResponse response)
    {
        if (problem.ProblemDetails.Extensions.TryGetValue("retryAfterSeconds", out var seconds) && seconds is not null)
        {
            response.Headers.RetryAfter = Convert.ToString(seconds, CultureInfo.InvariantCulture);
        }

        return problem;
    }

    private static Dictionary<string, object?> Limit(string setting, params (string Name, object Value)[] values)
    {
        var extensions = new Dictionary<string, object?> { ["limit"] = setting };
        foreach (var (name, value) in values)
        {
            extensions[name] = value;
        }

        return extensions;
    }

    private static ProblemHttpResult Make(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);
}
