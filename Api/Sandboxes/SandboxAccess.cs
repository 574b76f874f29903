namespace NdisMock.Api.Sandboxes;

/// <summary>
/// Guards every route under <c>/sandboxes/{sandboxId}</c>: the sandbox must exist (404) and the request must carry its
/// key in <c>X-Sandbox-Key</c> (401 when missing, 403 when wrong); on routes that allow it, the operator's key in
/// <c>X-Operator-Key</c> does too. It runs as middleware between routing and the endpoint, so nothing about a request
/// (not even whether its body is valid) is told to a caller without the key. An admitted request restarts the
/// sandbox's time to live, takes one request from its allowance (429 with Retry-After when spent) and logs within a
/// scope carrying the sandbox id.
/// </summary>
internal static class SandboxAccess
{
    public const string KeyHeader = "X-Sandbox-Key";
    public const string OperatorHeader = "X-Operator-Key";
    private const string ItemKey = "NdisMock.Sandbox";

    /// <summary>Marks a group whose routes need the sandbox's key.</summary>
    public static RouteGroupBuilder RequireSandboxKey(this RouteGroupBuilder group) => group.WithMetadata(KeyRequired.Instance);

    /// <summary>Lets the operator's key stand in for the sandbox's on this route.</summary>
    public static RouteHandlerBuilder AllowOperator(this RouteHandlerBuilder route) => route.WithMetadata(OperatorAllowed.Instance);

    /// <summary>Marks a route only the operator may call.</summary>
    public static RouteHandlerBuilder RequireOperator(this RouteHandlerBuilder route) => route.WithMetadata(OperatorRequired.Instance);

    public static IApplicationBuilder UseSandboxKeys(this IApplicationBuilder app)
    {
        // Singletons, resolved once rather than on every request.
        var store = app.ApplicationServices.GetRequiredService<SandboxStore>();
        var log = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("NdisMock.Sandboxes");
        return app.Use((http, next) => Admit(http, next, store, log));
    }

    private static async Task Admit(HttpContext http, RequestDelegate next, SandboxStore store, ILogger log)
    {
        if (Durability.RequestReplayer.ReplayedFor(http) is { } replayed)
        {
            // A request of a sandbox's log, run again on its rebuild: it was admitted when it was sent.
            http.Items[ItemKey] = replayed;
            await next(http);
            return;
        }

        var metadata = http.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<OperatorRequired>() is not null)
        {
            if (OperatorRefusal(http, store) is { } refused)
            {
                await refused.ExecuteAsync(http);
                return;
            }

            await next(http);
            return;
        }

        if (metadata?.GetMetadata<KeyRequired>() is null)
        {
            await next(http);
            return;
        }

        var id = http.GetRouteValue("sandboxId") as string ?? "";
        SandboxEntry? entry;
        try
        {
            entry = await store.FindAsync(id);
        }
        catch (StorageUnavailableException)
        {
            await ProblemCatalogue.StorageUnavailable().WithRetryAfter(http.Response).ExecuteAsync(http);
            return;
        }

        var asOperator = metadata.GetMetadata<OperatorAllowed>() is not null && store.OperatorKeyMatches(http.Request.Headers[OperatorHeader]);
        var refusal = entry is null ? ProblemCatalogue.UnknownSandbox(id)
            : asOperator ? null
            : !http.Request.Headers.TryGetValue(KeyHeader, out var key) || string.IsNullOrEmpty(key)
                ? ProblemCatalogue.SandboxKeyRequired()
            : !entry.KeyMatches(key)
                ? ProblemCatalogue.WrongSandboxKey(id)
            : null;
        if (refusal is not null)
        {
            await refusal.ExecuteAsync(http);
            return;
        }

        if (!entry!.Allowance.TryTake(out var retryAfter))
        {
            await TooManyRequests(http, retryAfter);
            return;
        }

        store.Touch(entry);
        http.Items[ItemKey] = entry;
        using (log.BeginScope(entry.Scope))
        {
            await next(http);
        }
    }

    /// <summary>The sandbox has spent its allowance: 429 with Retry-After, and nothing about the request is read.</summary>
    private static Task TooManyRequests(HttpContext http, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        return ProblemCatalogue.SandboxAllowanceSpent(seconds).WithRetryAfter(http.Response).ExecuteAsync(http);
    }

    /// <summary>The sandbox the key check admitted this request to, if any.</summary>
    public static SandboxEntry? TryGetSandbox(HttpContext http) => http.Items.TryGetValue(ItemKey, out var entry) ? entry as SandboxEntry : null;

    /// <summary>The sandbox the key check admitted this request to.</summary>
    public static SandboxEntry Sandbox(this HttpContext http) =>
        http.Items[ItemKey] as SandboxEntry ?? throw new InvalidOperationException("The route is not behind RequireSandboxKey.");

    private static ProblemHttpResult? OperatorRefusal(HttpContext http, SandboxStore store)
    {
        if (!store.HasOperator)
        {
            return ProblemCatalogue.NoOperatorConfigured();
        }

        var key = http.Request.Headers[OperatorHeader].ToString();
        return string.IsNullOrEmpty(key)
            ? ProblemCatalogue.OperatorKeyRequired()
            : store.OperatorKeyMatches(key) ? null
            : ProblemCatalogue.WrongOperatorKey();
    }

    private sealed class KeyRequired
    {
        public static readonly KeyRequired Instance = new();
    }

    internal sealed class OperatorAllowed
    {
        public static readonly OperatorAllowed Instance = new();
    }

    internal sealed class OperatorRequired
    {
        public static readonly OperatorRequired Instance = new();
    }
}
