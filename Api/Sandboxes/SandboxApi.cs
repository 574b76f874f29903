using System.ComponentModel.DataAnnotations;
using NdisMock.Api.Contracts;
using NdisMock.Domain;

namespace NdisMock.Api.Sandboxes;

/// <summary>Sandboxes and their behaviors: <c>CreateSandbox</c>, <c>GetSandbox</c>, <c>DeleteSandbox</c>, <c>ResetSandbox</c>, <c>GetBehaviors</c>, <c>SetBehavior</c>.</summary>
internal static class SandboxApi
{
    public static IEndpointRouteBuilder MapSandboxes(this IEndpointRouteBuilder app)
    {
        app.MapPost("/sandboxes", Create)
            .RequireRateLimiting(Limits.CreateSandboxPolicy)
            .WithName("CreateSandbox")
            .WithTags("Sandbox")
            .WithSummary("Create a sandbox: one simulated CoNDIS adapter with its MCM.")
            .WithDescription(
                "Creates an adapter whose MCM has registered CO_ADDRESS_FAMILY_Q2931 and CO_ADDRESS_FAMILY_TAPI (the journal starts with " +
                "NdisMCmRegisterAddressFamilyEx and ProtocolCoAfRegisterNotify for each). The answer holds the sandbox id and its secret key: " +
                "send the key as X-Sandbox-Key on every later request (in Swagger UI: Authorize). The body is optional.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        app.MapGet("/sandboxes", List)
            .RequireOperator()
            .WithName("ListSandboxes")
            .WithTags("Sandbox")
            .WithSummary("List every sandbox of this instance (operator only).")
            .WithDescription("Needs the operator's key in X-Operator-Key (configured as Operator__Key); without an operator key configured, listing is refused. Keys are never shown.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        var sandbox = app.MapGroup("/sandboxes/{sandboxId}").RequireSandboxKey().WithTags("Sandbox");

        sandbox.MapGet("", Get)
            .AllowOperator()
            .WithName("GetSandbox")
            .WithSummary("Read a sandbox whole: address families, SAPs, VCs with their calls and parties, pending requests, counters.")
            .WithDescription("Everything NDIS and the MCM hold for this adapter right now. Closed address families, deregistered SAPs, deleted VCs and dropped parties are gone from it.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        sandbox.MapDelete("", Delete)
            .AllowOperator()
            .WithName("DeleteSandbox")
            .WithSummary("Delete a sandbox and everything in it.")
            .WithDescription("Frees the sandbox; its id and key stop working at once, and hub subscribers receive SubscriptionEnded with reason SandboxDeleted.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        sandbox.MapPost("/reset", Reset)
            .WithName("ResetSandbox")
            .WithSummary("Forget every object and pending request, and restore the default behaviors.")
            .WithDescription("The adapter re-registers its address families. The journal, the violation list and the handle counters go on, so no sequence number or handle is ever reused.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        sandbox.MapGet("/behaviors", GetBehaviors)
            .WithName("GetBehaviors")
            .WithSummary("How each MCM handler answers.")
            .WithDescription("Defaults: ProtocolCmMakeCall, ProtocolCmCloseCall, ProtocolCmAddParty, ProtocolCmDropParty and ProtocolCmModifyCallQoS pend; the AF and SAP handlers and ProtocolCoCreateVc/ProtocolCoDeleteVc answer NDIS_STATUS_SUCCESS at once.");

        sandbox.MapPut("/behaviors/{handler}", SetBehavior)
            .WithName("SetBehavior")
            .WithSummary("Script one MCM handler: answer at once with a status, or pend (optionally completing by itself after a delay).")
            .WithDescription(
                "handler is one of ProtocolCmOpenAf, ProtocolCmCloseAf, ProtocolCmRegisterSap, ProtocolCmDeregisterSap, ProtocolCmMakeCall, " +
                "ProtocolCmCloseCall, ProtocolCmAddParty, ProtocolCmDropParty, ProtocolCmModifyCallQoS, ProtocolCoCreateVc, ProtocolCoDeleteVc. " +
                "Mode Complete answers every later request with status; mode Pend answers NDIS_STATUS_PENDING and waits for a completion " +
                "(CompletePendingOperation or the NdisMCm…Complete operation), or completes by itself with status after completeAfter. " +
                "Pending ProtocolCoCreateVc or ProtocolCoDeleteVc makes every such call a V-CMP-05 violation.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        sandbox.MapPost("/clock/advance", AdvanceClock)
            .WithName("AdvanceClock")
            .WithSummary("Move a virtual clock forward; every self-completion due by then fires, in order.")
            .WithDescription("Only for sandboxes created with clock Virtual (409 otherwise). Delayed behaviors and routes with an answer delay complete exactly when the clock passes their due time, each stamped with it.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        sandbox.MapGet("/routes", ListRoutes)
            .WithName("ListRoutes")
            .WithSummary("The remote side's routing rules, by called address.");

        sandbox.MapPut("/routes/{calledAddress}", SetRoute)
            .WithName("SetRoute")
            .WithSummary("Decide what the remote side does with calls to an address: answer, be busy, be out of order, have no route, not exist.")
            .WithDescription(
                "calledAddress is the ATM called party address (callParameters.callMgrParameters.q2931.calledParty.address) or the ISDN number " +
                "(callParameters.callMgrParameters.tapi.destAddress). A rejection completes NdisClMakeCall with the status its Q.2931 cause maps to " +
                "(Busy 17 → NDIS_STATUS_FAILURE, OutOfOrder 27 → NDIS_STATUS_DEST_OUT_OF_ORDER, NoRoute 3 → NDIS_STATUS_NO_ROUTE_TO_DESTINATION, " +
                "Unallocated 1 → NDIS_STATUS_INVALID_ADDRESS), with the cause on the events; at once, or after answerDelay. Reachable with an " +
                "answerDelay answers NDIS_STATUS_SUCCESS then; without one, the handler's behavior decides. A sandbox holds at most " +
                "Sandboxes__MaxRoutesPerSandbox routes (409 past it).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        sandbox.MapDelete("/routes/{calledAddress}", (string calledAddress, [AsParameters] SandboxScope scope) =>
                scope.Sandbox.RemoveRoute(calledAddress)
                    ? (Results<NoContent, ProblemHttpResult>)TypedResults.NoContent()
                    : ProblemCatalogue.NoSuchRoute(calledAddress))
            .WithName("DeleteRoute")
            .WithSummary("Forget the rule for an address.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary>The longest single step of a virtual clock: ten years.</summary>
    private static readonly TimeSpan MaxAdvance = TimeSpan.FromDays(3653);

    private static Results<Ok<ClockResponse>, ProblemHttpResult> AdvanceClock(AdvanceClockRequest request, [AsParameters] SandboxScope scope)
    {
        var sandbox = scope.Sandbox;
        if (request.By < TimeSpan.Zero)
        {
            return ProblemCatalogue.TimeDoesNotGoBack();
        }

        // The clock keeps room for the longest delay after it, so no later timer's due time overflows.
        if (request.By > MaxAdvance || sandbox.Now > DateTimeOffset.MaxValue - HandlerBehavior.MaxDelay - request.By!.Value)
        {
            return ProblemCatalogue.TooFarAtOnce(MaxAdvance);
        }

        return sandbox.AdvanceClock(request.By!.Value) is { } fired
            ? TypedResults.Ok(new ClockResponse(sandbox.Now, fired))
            : ProblemCatalogue.NotAVirtualClock();
    }

    private static Ok<RoutesResponse> ListRoutes(
        [AsParameters] SandboxScope scope, [MaxLength(256)] string? after = null, [Range(1, Paging.MaxLimit)] int limit = Paging.MaxLimit)
    {
        var routes = scope.Sandbox.GetRoutes();
        var following = after is null ? routes : [.. routes.Where(r => string.CompareOrdinal(r.CalledAddress, after) > 0)];
        var page = following.Take(limit).ToList();
        return TypedResults.Ok(new RoutesResponse(page, following.Count > limit ? page[^1].CalledAddress : null));
    }

    private static Results<Ok<RoutingRule>, ProblemHttpResult> SetRoute(string calledAddress, SetRouteRequest request, [AsParameters] SandboxScope scope)
    {
        var route = new RoutingRule(calledAddress, request.Outcome!.Value, request.AnswerDelay);
        if (route.Problem() is { } problem)
        {
            return ProblemCatalogue.InvalidRoute(problem);
        }

        return scope.Sandbox.SetRoute(route)
            ? TypedResults.Ok(route)
            : ProblemCatalogue.RouteLimitReached(scope.Sandbox.Options.MaxRoutes);
    }

    private static Results<Created<SandboxCreatedResponse>, ValidationProblem, ProblemHttpResult> Create(CreateSandboxRequest? request, SandboxStore store, HttpContext http)
    {
        var profile = request?.Profile is null ? AdapterProfile.AtmOc3 : AdapterProfile.Find(request.Profile);
        if (profile is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["profile"] = [$"'{request!.Profile}' is not an adapter profile; use one of {string.Join(", ", AdapterProfile.All.Select(p => p.Name))}."],
            });
        }

        var options = new SandboxOptions
        {
            Profile = profile,
            Duties = request?.Duties ?? McmDuties.Auto,
            Strictness = request?.Strictness ?? Strictness.Strict,
            VirtualClock = request?.Clock == SandboxClock.Virtual,
            AlwaysPend = request?.AlwaysPend ?? false,
        };
        // In a cluster the node that received the request picked the id, and this node hosts the sandbox's grain.
        if (store.Create(options, Cluster.ClusterForwarding.AssignedId(http)) is not var (entry, key))
        {
            return ProblemCatalogue.SandboxLimitReached(store.Limits.MaxSandboxes);
        }

        var body = new SandboxCreatedResponse(entry.Id, key, entry.Sandbox.GetSnapshot().ToResponse(entry.Id, entry.CreatedAt));
        return TypedResults.Created($"/sandboxes/{entry.Id}", body);
    }

    private static Results<Ok<SandboxResponse>, ValidationProblem> Get(
        [AsParameters] SandboxScope scope, [MaxLength(128)] string? after = null, [Range(1, Paging.MaxLimit)] int limit = Paging.DefaultSnapshotLimit)
    {
        if (Paging.CursorProblem(after) is { } problem)
        {
            return TypedResults.ValidationProblem(problem);
        }

        var entry = scope.Entry;
        var (snapshot, next, truncated) = entry.Sandbox.GetSnapshotPage(after, limit);
        return TypedResults.Ok(snapshot.ToResponse(entry.Id, entry.CreatedAt) with
        {
            NextAfter = next,
            PendingOperationsTruncated = truncated ? true : null,
        });
    }

    private static Results<NoContent, ProblemHttpResult> Delete([AsParameters] SandboxScope scope, SandboxStore store)
    {
        var entry = scope.Entry;
        return store.Remove(entry.Id) ? TypedResults.NoContent() : ProblemCatalogue.UnknownSandbox(entry.Id);
    }

    private static async Task<Ok<SandboxListResponse>> List(SandboxStore store, IServiceProvider services)
    {
        // In a cluster each node holds only the sandboxes whose grains it hosts: ask every sandbox in storage.
        var summaries = services.GetService<Cluster.ClusterForwarding>() is { } cluster && store.Durable is { } durable
            ? await cluster.SummariesAsync(await durable.Log.IdsAsync())
            : [.. store.All.Select(SummaryOf)];
        return TypedResults.Ok(new SandboxListResponse([.. summaries.OrderBy(s => s.CreatedAt)]));
    }

    /// <summary>One line of the operator's list: no key, only what the sandbox holds.</summary>
    public static SandboxSummary SummaryOf(SandboxEntry e)
    {
        var counters = e.Sandbox.Counters;
        return new SandboxSummary(e.Id, e.CreatedAt, e.LastUsed, e.Sandbox.Options.Profile.Name, counters.Vcs, counters.PendingOperations, counters.Events);
    }

    private static Ok<SandboxResponse> Reset([AsParameters] SandboxScope scope)
    {
        var entry = scope.Entry;
        entry.Sandbox.Reset();
        return TypedResults.Ok(entry.Sandbox.GetSnapshot().ToResponse(entry.Id, entry.CreatedAt));
    }

    private static Ok<BehaviorsResponse> GetBehaviors([AsParameters] SandboxScope scope) =>
        TypedResults.Ok(new BehaviorsResponse([.. scope.Sandbox.GetBehaviors().OrderBy(b => b.Key).Select(b => b.ToResponse())]));

    private static Results<Ok<BehaviorResponse>, ValidationProblem, ProblemHttpResult> SetBehavior(string handler, SetBehaviorRequest request, [AsParameters] SandboxScope scope)
    {
        if (!WireEnum.TryParse<CmHandler>(handler, out var parsed))
        {
            return ProblemCatalogue.UnknownHandler(handler, Enum.GetNames<CmHandler>());
        }

        var behavior = new HandlerBehavior(
            request.Mode!.Value,
            request.Status.ToStatusOr(NdisStatuses.Success),
            request.CompleteAfter,
            request.FailNext ?? 0,
            request.FailStatus is null ? null : request.FailStatus.ToStatus(),
            request.FaultRate ?? 0,
            request.FaultSeed ?? 0);
        if (scope.Sandbox.SetBehavior(parsed, behavior) is { } problem)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["behavior"] = [problem] });
        }

        return TypedResults.Ok(new KeyValuePair<CmHandler, HandlerBehavior>(parsed, behavior).ToResponse());
    }
}
