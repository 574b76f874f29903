using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.OpenApi;
using NdisMock.Domain;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace NdisMock.Api.OpenApi;

/// <summary>
/// What each operation can answer, and only that. The 2xx of an NDIS operation come from its <see cref="NdisAnswers"/>; the
/// problems from what the route is: a route under a sandbox can answer 401/403 (key), 404 (unknown sandbox or handle) and
/// 429 (allowance); one with a body 400 and 413; one with query parameters 400; an NDIS operation 409 (the WDK forbids it
/// now) and, with a handle in its path, 410 (a handle of an object that is gone). Each problem carries an example.
/// </summary>
internal sealed class ResponsesFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var api = context.ApiDescription;
        var path = api.RelativePath ?? "";
        var answers = api.ActionDescriptor.EndpointMetadata.OfType<NdisAnswers>().FirstOrDefault()?.Answers;
        var hasBody = api.ParameterDescriptions.Any(p => p.Source == BindingSource.Body);
        var hasQuery = api.ParameterDescriptions.Any(p => p.Source == BindingSource.Query);
        var hasHandle = path.Contains("{ndis", StringComparison.Ordinal) || path.Contains("{pendingOperationId}", StringComparison.Ordinal);
        var scoped = path.Contains("{sandboxId}", StringComparison.Ordinal);
        operation.Responses ??= [];

        if (answers is { } declared)
        {
            foreach (var (code, answer) in new[] { ("200", Answers.Completed), ("201", Answers.Created), ("202", Answers.Pended) })
            {
                if (!declared.HasFlag(answer))
                {
                    operation.Responses.Remove(code);
                }
                else if (operation.Responses.TryGetValue(code, out var response) && response is OpenApiResponse concrete)
                {
                    concrete.Description = answer switch
                    {
                        Answers.Created => "Completed with NDIS_STATUS_SUCCESS: the new handle is in the body, Location names the sandbox.",
                        Answers.Pended => "NDIS_STATUS_PENDING: a handler pended. pendingOperationId (and Location) name the request until its completion.",
                        _ => "Completed: with NDIS_STATUS_SUCCESS, or with the NDIS failure status the WDK documents (the body names the rule).",
                    };
                }
            }
        }

        var problems = new SortedSet<int>(operation.Responses.Keys.Where(k => k.StartsWith('4')).Select(int.Parse));
        if (hasBody || hasQuery)
        {
            problems.Add(400);
        }

        if (hasBody)
        {
            problems.UnionWith([413, 415]);
        }

        if (scoped)
        {
            problems.UnionWith([401, 403, 404, 429]);
        }

        // New work is refused while the instance is above its memory budget; on a durable or clustered host anything
        // about a sandbox is refused while Redis, or the node hosting the sandbox, does not answer.
        var changes = api.HttpMethod is "POST" or "PUT";
        if (changes || scoped || operation.OperationId == "ListSandboxes")
        {
            problems.Add(503);
        }

        if (answers is not null)
        {
            problems.Add(409);
            if (hasHandle)
            {
                problems.Add(410);
            }
        }

        foreach (var status in problems)
        {
            var schema = context.SchemaGenerator.GenerateSchema(status == 400 ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails), context.SchemaRepository);
            var response = new OpenApiResponse
            {
                Description = Describe(status, answers is not null),
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = schema, Example = Example(status, operation.OperationId, hasHandle, answers is not null, changes) },
                },
            };
            if (status is 429 or 503)
            {
                response.Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["Retry-After"] = new OpenApiHeader
                    {
                        Description = status == 429 ? "Seconds until the allowance refills." : "Seconds after which to try again.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                    },
                };
            }

            operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = response;
        }

        // By status code, as a reader scans them.
        var sorted = operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (code, response) in sorted)
        {
            operation.Responses[code] = response;
        }
    }

    private static string Describe(int status, bool ndis) => status switch
    {
        400 => ndis
            ? "The body could not be read or validated, or an argument the WDK forbids (a PENDING completion status, a handle other than the pended one): errors or rule says which."
            : "The body or a parameter could not be read or validated; errors names the field.",
        401 => "No key: send X-Sandbox-Key (or, where allowed, X-Operator-Key).",
        403 => "The key is not this sandbox's (or not the operator's).",
        404 => ndis ? "No such sandbox, or a handle this sandbox never issued (V-HDL-01)." : "No such sandbox, or nothing by that name in it.",
        409 => ndis ? "The WDK forbids this call in the current state: the problem names the rule (GET /rules/{rule}); nothing changed." : "Refused in the current state; nothing changed.",
        410 => ndis ? "The handle names an object that is gone (closed, deregistered, deleted, dropped): V-HDL-02 and kin." : "No longer kept.",
        413 => "The body is larger than this instance accepts (Sandboxes__MaxRequestBodySize).",
        415 => "The body is not sent as application/json.",
        429 => "The sandbox has spent its allowance of requests (Sandboxes__RateLimitPermits per Sandboxes__RateLimitPeriod), or another limit of this instance answers so (limit names it: " +
            "SandboxesPerClient for CreateSandbox, MaxWaitsPerSandbox for GetEvents with wait); retry after Retry-After seconds.",
        503 => "The instance is above its memory budget (Limits__MemoryBudgetMiB; new work only), or, on a durable or clustered host, Redis (Storage__Redis) or " +
            "the node hosting the sandbox did not answer: nothing answered is lost, and a change answered 503 may or may not have been made. Retry after Retry-After seconds.",
        _ => "Refused.",
    };

    /// <summary>
    /// An example of each problem, made by the same builders the server answers with (<see cref="Problems"/>), so an
    /// example has the shape, the type link and the extensions a real answer has.
    /// </summary>
    private static JsonNode Example(int status, string? operationId, bool hasHandle, bool ndis, bool changes) => status switch
    {
        400 => Node(TypedResults.ValidationProblem(new Dictionary<string, string[]>
        {
            ["status"] = ["status must be an NDIS status name (NDIS_STATUS_FAILURE) or its eight-digit hex code (0xC0000001)."],
        }).ProblemDetails),
        401 => Node(ProblemCatalogue.SandboxKeyRequired()),
        403 => Node(ProblemCatalogue.WrongSandboxKey(ExampleSandbox)),
        404 when ndis && hasHandle => Refusal(Rules.UnknownHandle, operationId, "'vc-zz99zz99-1' is not a VC handle this sandbox issued."),
        404 => Node(ProblemCatalogue.UnknownSandbox(ExampleSandbox)),
        409 when operationId == "SetRoute" => Node(ProblemCatalogue.RouteLimitReached(1000)),
        409 when operationId == "CreateSandbox" => Node(ProblemCatalogue.SandboxLimitReached(1000)),
        409 => Refusal(StateRuleOf(operationId), operationId, "See the rule for what the WDK requires first."),
        410 => Refusal(Rules.StaleHandle, operationId, "'vc-k3x9m2pq-4' was deleted; handles are never reused."),
        413 => Node(ProblemCatalogue.BodyTooLarge(2_000_000, 1_048_576)),
        415 => Node(ProblemCatalogue.UnsupportedMediaType()),
        429 when operationId == "CreateSandbox" => Node(ProblemCatalogue.ClientCreatedTooManySandboxes(100, TimeSpan.FromMinutes(1), 12)),
        429 => Node(ProblemCatalogue.SandboxAllowanceSpent(1)),
        503 when changes => Node(ProblemCatalogue.MemoryBudgetReached(3L * 1024 * 1024 * 1024)),
        503 => Node(ProblemCatalogue.StorageUnavailable()),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "No catalogue example for this status."),
    };

    /// <summary>A state rule the operation's own WDK page gives, else the generic one for completions without a request.</summary>
    private static Rule StateRuleOf(string? operationId) =>
        Rules.All.FirstOrDefault(r => r.Refusal == Domain.Refusal.State && operationId is not null && r.Reference.StartsWith(operationId + " ", StringComparison.Ordinal))
        ?? Rules.CompletionWithoutRequest;

    private static JsonNode Refusal(Rule rule, string? operationId, string detail) =>
        Node(Problems.Refused(new Violation(12, DateTimeOffset.UnixEpoch, rule, rule.Severity, operationId ?? "", detail, 41)).ProblemDetails);

    private const string ExampleSandbox = "sbx-3f9c2a71d04e8b65";

    private static JsonNode Node(ProblemHttpResult problem) => Node(problem.ProblemDetails);

    private static JsonNode Node(Microsoft.AspNetCore.Mvc.ProblemDetails problem) => JsonSerializer.SerializeToNode(problem, problem.GetType(), JsonSerializerOptions.Web)!;
}

/// <summary>The problem shape NdisMock answers with: RFC 9457 plus the verifier's extensions.</summary>
internal sealed class ProblemSchemaFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        if (swaggerDoc.Components?.Schemas?.TryGetValue("ProblemDetails", out var schema) != true || schema is not OpenApiSchema problem)
        {
            return;
        }

        problem.Description = "RFC 9457 problem details. A refusal of the verifier adds rule (GET /rules/{rule}), severity, reference (the WDK page's title), " +
            "referenceUrl (its address), operation, violationSequence (the violation's number in GetViolations), journalSequence (the journal sequence it follows: " +
            "a refused call journals nothing) and, where one applies, ndisStatus and ndisStatusCode. " +
            "A limit of the instance adds limit (the setting), maximum and, for 429 and 503, retryAfterSeconds.";
        problem.Properties ??= new Dictionary<string, IOpenApiSchema>();
        problem.Properties["rule"] = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = ClosedSetsFilter.RuleIdPattern, Description = "The rule id, e.g. V-CMP-01 (GET /rules/{rule})." };
        problem.Properties["severity"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = Schemas.Strings(Enum.GetNames<Severity>()) };
        problem.Properties["reference"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The title of the WDK page the rule rests on." };
        problem.Properties["referenceUrl"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri", Description = "That page on learn.microsoft.com." };
        problem.Properties["operation"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The function that was called." };
        problem.Properties["violationSequence"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" };
        problem.Properties["journalSequence"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Description = "The journal sequence the refusal follows." };
        problem.Properties["ndisStatus"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = Schemas.Strings(NdisStatuses.All.Select(s => s.Name)) };
        problem.Properties["ndisStatusCode"] = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^0x[0-9A-F]{8}$" };
        problem.Properties["limit"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "For a limit of the instance: the setting that sets it, e.g. MaxSandboxes (Sandboxes__MaxSandboxes)." };
        problem.Properties["maximum"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Description = "For a limit: its value." };
        problem.Properties["retryAfterSeconds"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Description = "For a 429 or 503: the same as the Retry-After header." };
    }
}
