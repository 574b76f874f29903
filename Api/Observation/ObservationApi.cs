using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using NdisMock.Api.Contracts;
using NdisMock.Api.Sandboxes;
using NdisMock.Domain;
using NdisMock.Hubs;

namespace NdisMock.Api.Observation;

/// <summary>What happened and what waits: events, violations, pending requests, and the rule catalogue.</summary>
internal static class ObservationApi
{
    public static IEndpointRouteBuilder MapObservation(this IEndpointRouteBuilder app)
    {
        var sandbox = app.MapGroup("/sandboxes/{sandboxId}").RequireSandboxKey().WithTags("Observation");

        sandbox.MapGet("/events", GetEvents)
            .WithName("GetEvents")
            .WithSummary("The journal: every call either role made, every handler NDIS invoked, every callback it delivered.")
            .WithDescription(
                "Events after sequence 'after', oldest first, at most 'limit'. Each carries the handles and contexts the real call or callback " +
                "carries, the status (name and hex) and the pendingOperationId linking a completion to its request. The optional filters combine " +
                "with AND: 'name', and the handles (ndisAfHandle, ndisSapHandle, ndisVcHandle, ndisPartyHandle), client contexts (clientAfContext, " +
                "protocolSapContext, protocolVcContext, protocolPartyContext) and pendingOperationId an event carries. A callback without a VC " +
                "handle, such as ProtocolClCloseCallComplete, is found by protocolVcContext. With 'wait' (up to 00:00:30) the request returns as soon as a matching event exists, or " +
                "empty when the wait ends. Continue with after=nextAfter. The journal keeps the newest events only: asking for events older " +
                "than oldestSequenceKept answers 410. The same events are pushed live over SignalR at /hubs/ndis.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status410Gone);

        sandbox.MapGet("/violations", GetViolations)
            .WithName("GetViolations")
            .WithSummary("Everything the verifier flagged: refused calls (Error), documented failures (Reject) and warnings.")
            .WithDescription("Each names its rule (see GET /rules), the operation, what was wrong and the WDK page the rule comes from.");

        sandbox.MapGet("/pending", ListPending)
            .WithName("ListPendingOperations")
            .WithSummary("Requests that a handler pended and that wait for their completion.")
            .WithDescription("Each names the handler that pended, the completion function it waits for, who completes it, and the handles involved.");

        sandbox.MapGet("/pending/{pendingOperationId}", GetPending)
            .WithName("GetPendingOperation")
            .WithSummary("One pending request.")
            .WithDescription("404 once it has been completed, or if it never existed.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var mcm = app.MapGroup("/sandboxes/{sandboxId}/pending").RequireSandboxKey().WithTags("MCM");
        mcm.MapPost("/{pendingOperationId}/complete", (string pendingOperationId, StatusWithParametersRequest request, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.CompletePendingOperation(pendingOperationId, request.Status.ToStatus(), request.CallParameters?.ToDomain()).ToHttp(scope))
            .Ndis("CompletePendingOperation", "Complete whatever request is pending, with the handles it was pended with.",
                "Performs the matching completion: NdisMCmMakeCallComplete, NdisMCmCloseCallComplete, … for MCM handlers, NdisClIncomingCallComplete " +
                "or NdisClNotifyCloseAddressFamilyComplete for the client's. The MCM's contexts are generated; with auto duties it activates, " +
                "deactivates and deletes as the WDK requires. NDIS_STATUS_PENDING is V-CMP-01; a request already completed is V-CMP-02 (409).");

        app.MapGet("/rules", () => TypedResults.Ok(new RulesResponse([.. Rules.All.Select(r => r.ToResponse())])))
            .WithName("ListRules")
            .WithTags("Observation")
            .WithSummary("The verifier's rule catalogue (docs/rules.md).")
            .WithDescription("Every rule id a violation or a problem response can name, with its severity, the WDK page it rests on, and for Reject rules the NDIS status returned.");

        app.MapGet("/rules/{ruleId}", (string ruleId) => Rules.Find(ruleId) is { } rule
                ? (Results<Ok<RuleResponse>, ProblemHttpResult>)TypedResults.Ok(rule.ToResponse())
                : ProblemCatalogue.UnknownRule(ruleId))
            .WithName("GetRule")
            .WithTags("Observation")
            .WithSummary("One rule of the catalogue: the 'type' of every problem response points here.")
            .WithDescription("404 for an id that is not in the catalogue.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary>The longest a GetEvents request may wait for a first matching event.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    private static async Task<Results<Ok<EventsResponse>, ProblemHttpResult, ValidationProblem>> GetEvents(
        [AsParameters] SandboxScope scope,
        TimeProvider time,
        IOptions<SandboxHostingOptions> limits,
        [Range(0, long.MaxValue)] long after = 0,
        [Range(1, 10_000)] int limit = 1000,
        TimeSpan? wait = null,
        string? name = null,
        [MaxLength(128)] string? ndisAfHandle = null,
        [MaxLength(128)] string? ndisSapHandle = null,
        [MaxLength(128)] string? ndisVcHandle = null,
        [MaxLength(128)] string? ndisPartyHandle = null,
        [MaxLength(256)] string? clientAfContext = null,
        [MaxLength(256)] string? protocolSapContext = null,
        [MaxLength(256)] string? protocolVcContext = null,
        [MaxLength(256)] string? protocolPartyContext = null,
        [MaxLength(128)] string? pendingOperationId = null)
    {
        if (wait is { } w && (w < TimeSpan.Zero || w > MaxWait))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["wait"] = [$"wait is between 00:00:00 and {MaxWait:c}."] });
        }

        EventName? nameFilter = null;
        if (name is not null)
        {
            if (!WireEnum.TryParse<EventName>(name, out var parsed))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [$"'{name}' is not an event name: an NDIS function, handler or callback, one of {string.Join(", ", Enum.GetNames<EventName>())}."] });
            }

            nameFilter = parsed;
        }

        var filter = new EventFilter(nameFilter, ndisAfHandle, ndisSapHandle, ndisVcHandle, ndisPartyHandle,
            clientAfContext, protocolSapContext, protocolVcContext, protocolPartyContext, pendingOperationId);
        var sandbox = scope.Sandbox;
        if (after < sandbox.OldestEventKept - 1)
        {
            var oldest = sandbox.OldestEventKept;
            return ProblemCatalogue.EventsNoLongerKept(after, oldest);
        }

        // A wait holds a request open: each sandbox has a few such slots, so no tenant can hold the instance's connections.
        var waits = wait > TimeSpan.Zero;
        if (waits && !scope.Entry.TryBeginWait(limits.Value.MaxWaitsPerSandbox))
        {
            return ProblemCatalogue.TooManyWaits(limits.Value.MaxWaitsPerSandbox).WithRetryAfter(scope.Http.Response);
        }

        try
        {
            return TypedResults.Ok(await ScanAsync(sandbox, after, limit, filter, time.GetUtcNow() + (wait ?? TimeSpan.Zero), time, scope.Http.RequestAborted));
        }
        finally
        {
            if (waits)
            {
                scope.Entry.EndWait();
            }
        }
    }

    /// <summary>
    /// Scans forward, keeping what matches, up to limit; when the journal is exhausted with nothing matched, waits for
    /// the next event while time is left, and scans on.
    /// </summary>
    private static async Task<EventsResponse> ScanAsync(Sandbox sandbox, long after, int limit, EventFilter filter, DateTimeOffset deadline, TimeProvider time, CancellationToken aborted)
    {
        var matched = new List<NdisEventMessage>();
        var scanned = after;
        while (matched.Count < limit)
        {
            var batch = sandbox.GetEvents(scanned, 1024);
            foreach (var e in batch.TakeWhile(_ => matched.Count < limit))
            {
                scanned = e.Sequence;
                if (filter.Matches(e))
                {
                    matched.Add(NdisEventMessage.From(e));
                }
            }

            if (batch.Count > 0)
            {
                continue;
            }

            var left = deadline - time.GetUtcNow();
            if (matched.Count > 0 || left <= TimeSpan.Zero || !await sandbox.WaitForEventAfterAsync(scanned, left, time, aborted))
            {
                break;
            }
        }

        return new EventsResponse(matched, scanned, sandbox.LastSequence, sandbox.OldestEventKept);
    }

    /// <summary>
    /// GetEvents' filters: an event matches when it carries every value given (AND). A callback carries only what the real
    /// one carries, so ProtocolClCloseCallComplete, which has no VC handle, is found by the client's ProtocolVcContext.
    /// </summary>
    private readonly record struct EventFilter(
        EventName? Name,
        string? NdisAfHandle,
        string? NdisSapHandle,
        string? NdisVcHandle,
        string? NdisPartyHandle,
        string? ClientAfContext,
        string? ProtocolSapContext,
        string? ProtocolVcContext,
        string? ProtocolPartyContext,
        string? PendingOperationId)
    {
        public bool Matches(NdisEvent e) =>
            (Name is null || e.Name == Name)
            && Carries(NdisAfHandle, e.NdisAfHandle)
            && Carries(NdisSapHandle, e.NdisSapHandle)
            && Carries(NdisVcHandle, e.NdisVcHandle)
            && Carries(NdisPartyHandle, e.NdisPartyHandle)
            && Carries(ClientAfContext, e.ClientAfContext)
            && Carries(ProtocolSapContext, e.ProtocolSapContext)
            && Carries(ProtocolVcContext, e.ProtocolVcContext)
            && Carries(ProtocolPartyContext, e.ProtocolPartyContext)
            && Carries(PendingOperationId, e.PendingOperationId);

        private static bool Carries(string? wanted, string? carried) => wanted is null || string.Equals(wanted, carried, StringComparison.Ordinal);
    }

    private static Ok<ViolationsResponse> GetViolations(
        [AsParameters] SandboxScope scope, [Range(0, long.MaxValue)] long after = 0, [Range(1, Paging.MaxLimit)] int limit = Paging.MaxLimit)
    {
        var violations = scope.Sandbox.GetViolations(after);
        var page = violations.Take(limit).Select(v => v.ToResponse()).ToList();
        return TypedResults.Ok(new ViolationsResponse(page, violations.Count > limit ? page[^1].Sequence : null));
    }

    private static Results<Ok<List<PendingOperationResponse>>, ValidationProblem> ListPending(
        [AsParameters] SandboxScope scope, [MaxLength(128)] string? after = null, [Range(1, Paging.MaxLimit)] int limit = Paging.MaxLimit)
    {
        if (Paging.CursorProblem(after) is { } problem)
        {
            return TypedResults.ValidationProblem(problem);
        }

        var (page, _) = Paging.ByHandle(scope.Sandbox.ListPendingOperations(), p => p.PendingOperationId, after, limit);
        return TypedResults.Ok(page.Select(p => p.ToResponse()).ToList());
    }

    private static Results<Ok<PendingOperationResponse>, ProblemHttpResult> GetPending(string pendingOperationId, [AsParameters] SandboxScope scope) =>
        scope.Sandbox.GetPendingOperation(pendingOperationId) is { } op
            ? TypedResults.Ok(op.ToResponse())
            : ProblemCatalogue.NoSuchPendingOperation(pendingOperationId);
}
