using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace NdisMock.Api.Tests;

/// <summary>An HTTP answer read as JSON.</summary>
public sealed record Reply(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Message)
{
    public string? this[string field] => (string?)Body?[field];

    public string ContentType => Message.Content.Headers.ContentType?.MediaType ?? "";
}

/// <summary>Fails the test on any 5xx: no request in the tests may produce one.</summary>
internal sealed class No5xx : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        Assert.True((int)response.StatusCode < 500,
            $"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        return response;
    }
}

/// <summary>One sandbox of the test server, with its key on every request.</summary>
public sealed class HttpSandbox(HttpClient http, string id, string key)
{
    public string Id { get; } = id;

    public string Key { get; } = key;

    public HttpClient Http { get; } = http;

    public string Path(string relative) => $"/sandboxes/{Id}{relative}";

    public static async Task<HttpSandbox> CreateAsync(HttpClient http, object? options = null)
    {
        var created = await Send(http, HttpMethod.Post, "/sandboxes", options ?? new { }, key: null);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        return new HttpSandbox(http, created["id"]!, created["key"]!);
    }

    public Task<Reply> Post(string relative, object? body = null) => Send(Http, HttpMethod.Post, Path(relative), body, Key);

    public Task<Reply> PostJson(string relative, string json) => Send(Http, HttpMethod.Post, Path(relative), new StringContent(json, Encoding.UTF8, "application/json"), Key);

    public Task<Reply> Put(string relative, object? body) => Send(Http, HttpMethod.Put, Path(relative), body, Key);

    public Task<Reply> PutJson(string relative, string json) => Send(Http, HttpMethod.Put, Path(relative), new StringContent(json, Encoding.UTF8, "application/json"), Key);

    public Task<Reply> Get(string relative) => Send(Http, HttpMethod.Get, Path(relative), null, Key);

    public Task<Reply> Delete(string relative) => Send(Http, HttpMethod.Delete, Path(relative), null, Key);

    /// <summary>The sandbox's state without its counters, to compare before and after a refused call.</summary>
    public async Task<string> StateAsync()
    {
        var state = (await Get("")).Body!.AsObject();
        state.Remove("counters");
        state.Remove("now");
        return state.ToJsonString();
    }

    /// <summary>The journal after <paramref name="after"/> as "Name role STATUS" lines.</summary>
    public async Task<string[]> TraceAsync(long after) =>
        [.. (await EventsAsync(after)).Select(e =>
            $"{(string?)e!["name"]} {(string?)e!["role"]}{((string?)e!["status"] is { } s ? " " + s.Replace("NDIS_STATUS_", "", StringComparison.Ordinal) : "")}")];

    public async Task<JsonArray> EventsAsync(long after) => (await Get($"/events?after={after}")).Body!["events"]!.AsArray();

    public async Task<long> LastSequenceAsync() => (long)(await Get("")).Body!["counters"]!["events"]!;

    public async Task<JsonArray> ViolationsAsync() => (await Get("/violations")).Body!["violations"]!.AsArray();

    // The usual steps before the step under test.
    public async Task<string> OpenAfAsync(string context = "af-ctx", string family = "CO_ADDRESS_FAMILY_Q2931") =>
        Ok(await Post("/client/address-families", new { addressFamily = family, clientAfContext = context }))["ndisAfHandle"]!;

    public async Task<string> CreateVcAsync(string af, string context = "vc-ctx") =>
        Ok(await Post($"/client/address-families/{af}/vcs", new { protocolVcContext = context }))["ndisVcHandle"]!;

    public async Task<string> ConnectedCallAsync(string af)
    {
        var vc = await CreateVcAsync(af);
        var made = await Post($"/client/vcs/{vc}/call");
        Ok(await Post($"/pending/{made["pendingOperationId"]}/complete", new { status = "NDIS_STATUS_SUCCESS" }));
        return vc;
    }

    public static Reply Ok(Reply reply)
    {
        Assert.True((int)reply.Status is >= 200 and < 300, $"{(int)reply.Status}: {reply.Body?.ToJsonString()}");
        return reply;
    }

    private static async Task<Reply> Send(HttpClient http, HttpMethod method, string path, object? body, string? key)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Add("X-Sandbox-Key", key);
        }

        request.Content = body switch
        {
            null => null,
            HttpContent content => content,
            _ => JsonContent.Create(body),
        };
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }
}
