namespace NdisMock.Api.Sandboxes;

/// <summary>
/// Guards every route under <c>/sandboxes/{sandboxId}</c>: the sandbox must exist (404) and the request must carry its
/// key in <c>X-Sandbox-Key</c> (401 when missing, 403 when wrong). The sandbox found is kept for the handler.
/// </summary>
internal static class SandboxAccess
{
    public const string KeyHeader = "X-Sandbox-Key";
    private const string ItemKey = "NdisMock.Sandbox";

    public static RouteGroupBuilder RequireSandboxKey(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var id = http.GetRouteValue("sandboxId") as string ?? "";
            var entry = http.RequestServices.GetRequiredService<SandboxStore>().Find(id);
            if (entry is null)
            {
                return Problems.UnknownSandbox(id);
            }

            if (!http.Request.Headers.TryGetValue(KeyHeader, out var key) || string.IsNullOrEmpty(key))
            {
                return Problems.Plain(StatusCodes.Status401Unauthorized, "Sandbox key required", $"Send the key returned by CreateSandbox in the {KeyHeader} header.");
            }

            if (!entry.KeyMatches(key))
            {
                return Problems.Plain(StatusCodes.Status403Forbidden, "Wrong sandbox key", $"The {KeyHeader} header does not hold the key of sandbox {id}.");
            }

            http.Items[ItemKey] = entry;
            return await next(context);
        });

    /// <summary>The sandbox the access filter admitted this request to.</summary>
    public static SandboxEntry Sandbox(this HttpContext http) =>
        http.Items[ItemKey] as SandboxEntry ?? throw new InvalidOperationException("The route is not behind RequireSandboxKey.");
}
