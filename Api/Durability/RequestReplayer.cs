using System.Text;
using Microsoft.AspNetCore.Http.Features;
using NdisMock.Api.Sandboxes;

namespace NdisMock.Api.Durability;

/// <summary>
/// Runs a logged request again through the application's own pipeline (routing, binding, validation, the endpoint),
/// so a replay takes exactly the path the request took: the REST request is the command, its log the replay format.
/// The pipeline is the part after <see cref="CapturePipeline"/>; a replayed request skips the key check and the
/// sandbox's allowance (it was admitted when it was sent) and is not logged again.
/// </summary>
internal sealed class RequestReplayer(IServiceScopeFactory scopes)
{
    private const string ReplayKey = "NdisMock.Replay";
    private RequestDelegate? _pipeline;

    /// <summary>Keeps the rest of the pipeline from this point for replays; passes every request on unchanged.</summary>
    public IApplicationBuilder CapturePipeline(IApplicationBuilder app) => app.Use(next =>
    {
        _pipeline = next;
        return next;
    });

    /// <summary>The sandbox a replayed request is for, or null for a request from a client.</summary>
    public static SandboxEntry? ReplayedFor(HttpContext http) => http.Items.TryGetValue(ReplayKey, out var entry) ? entry as SandboxEntry : null;

    /// <summary>Runs the request against <paramref name="entry"/> and answers its status code.</summary>
    public async Task<int> RunAsync(SandboxEntry entry, LogRecord record)
    {
        var pipeline = _pipeline ?? throw new InvalidOperationException("The host has not built its pipeline yet.");
        await using var scope = scopes.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var request = http.Request;
        request.Method = record.Method!;
        request.Scheme = "http";
        request.Host = new HostString("replay");
        request.Path = record.Path;
        request.QueryString = string.IsNullOrEmpty(record.Query) ? QueryString.Empty : new QueryString(record.Query);
        if (record.Body is not null)
        {
            var body = Encoding.UTF8.GetBytes(record.Body);
            request.Body = new MemoryStream(body, writable: false);
            request.ContentLength = body.Length;
            request.ContentType = record.ContentType;
            http.Features.Set<IHttpRequestBodyDetectionFeature>(BodyDetection.Some);
        }

        http.Response.Body = Stream.Null;
        http.Items[ReplayKey] = entry;
        await pipeline(http);
        return http.Response.StatusCode;
    }
}
