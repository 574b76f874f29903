using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using NdisMock.Api.Sandboxes;

namespace NdisMock.Api.Cluster;

/// <summary>
/// In a cluster every node answers every request: one for a sandbox (<c>/sandboxes/{id}…</c>, and CreateSandbox, which
/// picks the id first) is forwarded to the sandbox's grain, which runs it through the pipeline of the node it is
/// activated on, as if it had arrived there; the answer comes back as it was given. Everything else (the documents,
/// the rules, health, the hub) is answered where it arrives.
/// </summary>
internal sealed partial class ClusterForwarding(IGrainFactory grains, IServiceScopeFactory scopes, IOptions<SandboxHostingOptions> limits, ILogger<ClusterForwarding> log)
{
    /// <summary>Carries the id CreateSandbox is to use, from the node that picked it to the grain of that id.</summary>
    public const string AssignedIdHeader = "X-NdisMock-Sandbox-Id";

    private const string HereKey = "NdisMock.Here";

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Content-Length", AssignedIdHeader,
    };

    /// <summary>How long a read waits for the sandbox's grain to come back on another node after its node was lost.</summary>
    private static readonly TimeSpan ReadFailover = TimeSpan.FromSeconds(15);

    private RequestDelegate? _pipeline;

    /// <summary>The hub's JSON, for journal events sent from the hosting node to a subscriber's node.</summary>
    public JsonSerializerOptions EventJson { get; } = EventJsonOptions();

    /// <summary>The id a forwarded CreateSandbox must use; null for a request that did not come through a grain.</summary>
    public static string? AssignedId(HttpContext http) =>
        http.Items.ContainsKey(HereKey) && http.Request.Headers[AssignedIdHeader] is [{ Length: > 0 } id] ? id : null;

    public IApplicationBuilder UseClusterForwarding(IApplicationBuilder app)
    {
        // The whole pipeline from here: what a grain runs a forwarded request through.
        app.Use(next =>
        {
            _pipeline = next;
            return next;
        });
        return app.Use(async (http, next) =>
        {
            if (http.Items.ContainsKey(HereKey) || Target(http.Request) is not { } target)
            {
                await next(http);
                return;
            }

            await ForwardAsync(http, target.Id, target.Creating);
        });
    }

    /// <summary>The sandbox a request is for: its id from the path, or a new one for CreateSandbox; null for anything else.</summary>
    private static (string Id, bool Creating)? Target(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        if (!path.StartsWith("/sandboxes", StringComparison.Ordinal))
        {
            return null;
        }

        if (path is "/sandboxes" or "/sandboxes/")
        {
            return HttpMethods.IsPost(request.Method) ? (SandboxStore.NewId(), true) : null;
        }

        var rest = path.AsSpan("/sandboxes/".Length);
        var end = rest.IndexOf('/');
        var id = (end < 0 ? rest : rest[..end]).ToString();
        return SandboxStore.IsSandboxId(id) ? (id, false) : null;
    }

    private async Task ForwardAsync(HttpContext http, string id, bool creating)
    {
        var max = limits.Value.MaxRequestBodySize;
        if (http.Request.ContentLength > max)
        {
            await ProblemCatalogue.BodyTooLarge(http.Request.ContentLength.Value, max).ExecuteAsync(http);
            return;
        }

        var body = await http.Request.ReadWholeBodyAsync(max);
        if (body is { Length: var length } && length > max)
        {
            await ProblemCatalogue.BodyTooLarge(length, max).ExecuteAsync(http);
            return;
        }

        var (names, values) = EndToEnd(http.Request.Headers);

        if (creating)
        {
            names.Add(AssignedIdHeader);
            values.Add(id);
        }

        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path + http.Request.QueryString;
        var request = new ForwardedRequest(http.Request.Method, http.Request.Path.Value ?? "/", http.Request.QueryString.Value, raw,
            [.. names], [.. values], body, http.Connection.RemoteIpAddress?.ToString());
        var reply = await RunAsync(http, id, request);
        if (reply is null)
        {
            return;
        }

        http.Response.StatusCode = reply.Status;
        for (var i = 0; i < reply.HeaderNames.Length; i++)
        {
            http.Response.Headers.Append(reply.HeaderNames[i], reply.HeaderValues[i]);
        }

        http.Response.ContentLength = reply.Body.Length;
        await http.Response.Body.WriteAsync(reply.Body, http.RequestAborted);
    }

    /// <summary>
    /// Calls the grain. A read whose node was lost is sent again until the grain is back on another node; a change is
    /// not (it may have been made before the node went), and answers 503 saying so.
    /// </summary>
    private async Task<ForwardedReply?> RunAsync(HttpContext http, string id, ForwardedRequest request)
    {
        var grain = grains.GetGrain<ISandboxGrain>(id);
        var idempotent = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        var deadline = DateTimeOffset.UtcNow + ReadFailover;
        while (true)
        {
            try
            {
                return await grain.Run(request);
            }
            catch (Exception e) when (IsNodeLoss(e))
            {
                LogNodeLost(id, request.Method, e.GetType().Name);
                if (!idempotent || DateTimeOffset.UtcNow >= deadline)
                {
                    await ProblemCatalogue.SandboxNodeLost(idempotent).WithRetryAfter(http.Response).ExecuteAsync(http);
                    return null;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), http.RequestAborted);
            }
        }
    }

    /// <summary>The node the grain lived on went away (or did not answer): Orleans moves the grain to a live node.</summary>
    public static bool IsNodeLoss(Exception e) =>
        e is SiloUnavailableException or TimeoutException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException;

    /// <summary>The operator's summaries of the sandboxes, each from the node hosting it; one that is gone is left out.</summary>
    public async Task<IReadOnlyList<Contracts.SandboxSummary>> SummariesAsync(IReadOnlyList<string> ids)
    {
        var summaries = await Task.WhenAll(ids.Where(SandboxStore.IsSandboxId).Select(id => grains.GetGrain<ISandboxGrain>(id).Summary()));
        return [.. summaries.Where(s => s.Length > 0).Select(s => JsonSerializer.Deserialize<Contracts.SandboxSummary>(s, EventJson)!)];
    }

    /// <summary>An answer made on this node without the pipeline (a refusal of the grain itself), as a reply.</summary>
    public async Task<ForwardedReply> RenderAsync(IResult result)
    {
        await using var scope = scopes.CreateAsyncScope();
        using var answer = new MemoryStream();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Response.Body = answer;
        await result.ExecuteAsync(http);
        return new ForwardedReply(http.Response.StatusCode, ["Content-Type", "Retry-After"],
            [http.Response.ContentType ?? "application/problem+json", http.Response.Headers.RetryAfter.ToString() is { Length: > 0 } retry ? retry : "2"], answer.ToArray());
    }

    /// <summary>Runs a forwarded request through this node's pipeline, as if it had arrived here.</summary>
    public async Task<ForwardedReply> RunHereAsync(ForwardedRequest forwarded)
    {
        var pipeline = _pipeline ?? throw new InvalidOperationException("The node has not built its pipeline yet.");
        await using var scope = scopes.CreateAsyncScope();
        var headers = new HeaderDictionary();
        for (var i = 0; i < forwarded.HeaderNames.Length; i++)
        {
            headers.Append(forwarded.HeaderNames[i], forwarded.HeaderValues[i]);
        }

        if (forwarded.Body is not null)
        {
            headers.ContentLength = forwarded.Body.Length;
        }

        using var answer = new MemoryStream();
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature
        {
            Method = forwarded.Method,
            Scheme = "http",
            Protocol = "HTTP/1.1",
            Path = forwarded.Path,
            QueryString = forwarded.Query ?? "",
            RawTarget = forwarded.RawTarget,
            Headers = headers,
            Body = forwarded.Body is null ? Stream.Null : new MemoryStream(forwarded.Body, writable: false),
        });
        features.Set<IHttpRequestBodyDetectionFeature>(forwarded.Body is null ? BodyDetection.None : BodyDetection.Some);
        features.Set<IHttpResponseFeature>(new HttpResponseFeature());
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(answer));
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature
        {
            RemoteIpAddress = IPAddress.TryParse(forwarded.ClientAddress, out var client) ? client : IPAddress.None,
        });
        var http = new DefaultHttpContext(features) { RequestServices = scope.ServiceProvider };
        http.Items[HereKey] = true;
        await pipeline(http);
        await http.Response.CompleteAsync();

        var (names, values) = EndToEnd(http.Response.Headers);
        return new ForwardedReply(http.Response.StatusCode, [.. names], [.. values], answer.ToArray());
    }

    /// <summary>The headers that travel with a forwarded request or answer: all but the hop-by-hop ones (and the framing).</summary>
    private static (List<string> Names, List<string> Values) EndToEnd(IHeaderDictionary headers)
    {
        var names = new List<string>();
        var values = new List<string>();
        foreach (var (name, value) in headers)
        {
            if (!HopByHop.Contains(name))
            {
                names.Add(name);
                values.Add(value.ToString());
            }
        }

        return (names, values);
    }

    private static JsonSerializerOptions EventJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Json.Configure(options);
        return options;
    }

    [LoggerMessage(LogLevel.Warning, "Sandbox {SandboxId}: its node was lost during a {Method} ({Exception}); the grain moves to a live node")]
    private partial void LogNodeLost(string sandboxId, string method, string exception);
}
