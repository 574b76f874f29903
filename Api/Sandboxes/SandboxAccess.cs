namespace NdisMock.Api.Sandboxes;

/// <summary>
/// Guards every route under <c>/sandboxes/{sandboxId}</c>: the sandbox must exist (404) and the request must carry its
/// key in <c>X-Sandbox-Key</c> (401 when missing, 403 when wrong). It runs as middleware between routing and the
/// endpoint, so nothing about a request (not even whether its body is valid) is told to a caller without the key.
/// </summary>
internal static class SandboxAccess
{
    public const string KeyHeader = "X-Sandbox-Key";
    private const string ItemKey = "NdisMock.Sandbox";

    /// <summary>Marks a group whose routes need the sandbox's key.</summary>
    public static RouteGroupBuilder RequireSandboxKey(this RouteGroupBuilder group) => group.WithMetadata(KeyRequired.Instance);

    public static IApplicationBuilder UseSandboxKeys(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<KeyRequired>() is null)
        {
            await next(http);
            return;
        }

        var id = http.GetRouteValue("sandboxId") as string ?? "";
        var entry = http.RequestServices.GetRequiredService<SandboxStore>().Find(id);
        var refusal = entry is null ? Problems.UnknownSandbox(id)
            : !http.Request.Headers.TryGetValue(KeyHeader, out var key) || string.IsNullOrEmpty(key)
                ? Problems.Plain(StatusCodes.Status401Unauthorized, "Sandbox key required", $"Send the key returned by CreateSandbox in the {KeyHeader} header.")
            : !entry.KeyMatches(key)
                ? Problems.Plain(StatusCodes.Status403Forbidden, "Wrong sandbox key", $"The {KeyHeader} header does not hold the key of sandbox {id}.")
            : null;
        if (refusal is not null)
        {
            await refusal.ExecuteAsync(http);
            return;
        }

        http.Items[ItemKey] = entry;
        await next(http);
    });

    /// <summary>The sandbox the key check admitted this request to.</summary>
    public static SandboxEntry Sandbox(this HttpContext http) =>
        http.Items[ItemKey] as SandboxEntry ?? throw new InvalidOperationException("The route is not behind RequireSandboxKey.");

    private sealed class KeyRequired
    {
        public static readonly KeyRequired Instance = new();
    }
}
