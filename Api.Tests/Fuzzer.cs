using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace NdisMock.Api.Tests;

/// <summary>
/// Generates requests for the operations of the committed OpenAPI document, each valid or broken in one chosen way,
/// from a seeded random source so that a run is repeatable.
/// </summary>
internal sealed class Fuzzer(JsonNode document, Random random)
{
    private static readonly string[] Garbage =
        ["", " ", "null", "0", "-1", "x", "%00", "..%2F..", "vc-zzzz-1", "af-zzzz-999999999999999999999", "😀", "a\u0000b",
         new string('h', 5000), "NDIS_STATUS_SUCCESS", "0xC0000001", "{}", "'; DROP TABLE x; --", "\\u0000"];

    // TestServer's client cannot carry a NUL in a path (Kestrel answers such a request 400 before any app code runs).
    private static readonly string[] PathGarbage = [.. Garbage.Where(g => !g.Contains('\0', StringComparison.Ordinal) && !g.Contains("%00", StringComparison.Ordinal))];

    private static readonly string[] Handlers = ["ProtocolCmMakeCall", "ProtocolCmCloseCall", "protocolcmopenaf", "ProtocolCoCreateVc", "Nope", "0", ""];

    private readonly List<(string Method, string Path, JsonObject Operation)> _operations = [.. document["paths"]!.AsObject()
        .SelectMany(p => p.Value!.AsObject().Select(m => (m.Key.ToUpperInvariant(), p.Key, m.Value!.AsObject())))];

    public enum Strategy
    {
        Valid,
        Boundary,
        WrongTypes,
        Oversized,
        Malformed,
        UnknownEnum,
        HugeNumbers,
        DeepJson,
        InvalidUtf8,
        MissingKey,
        WrongKey,
        EmptyBody,
        WrongContentType,
    }

    /// <summary>One request for a random operation, against <paramref name="sandbox"/> and its live handles, with the operation it addresses.</summary>
    public (HttpRequestMessage Request, string Description, JsonNode? Operation) Next(HttpSandbox sandbox, IReadOnlyDictionary<string, List<string>> handles)
    {
        var (method, template, operation) = _operations[random.Next(_operations.Count)];
        var strategy = (Strategy)random.Next(Enum.GetValues<Strategy>().Length);
        var sandboxId = random.Next(20) == 0 ? Pick(PathGarbage) : sandbox.Id;
        var path = template.Replace("{sandboxId}", sandboxId, StringComparison.Ordinal);
        var addressed = IsSegment(sandboxId, escaped: false) || !template.Contains("{sandboxId}", StringComparison.Ordinal);
        foreach (var name in new[] { "ndisAfHandle", "ndisSapHandle", "ndisVcHandle", "ndisPartyHandle", "pendingOperationId", "handler", "ruleId" })
        {
            var value = name switch
            {
                "handler" => Pick(Handlers),
                "ruleId" => random.Next(2) == 0 ? "V-CMP-01" : Pick(PathGarbage),
                _ => handles[name].Count > 0 && random.Next(4) != 0 ? Pick(handles[name]) : Pick(PathGarbage),
            };
            addressed &= IsSegment(value, escaped: true) || !template.Contains("{" + name + "}", StringComparison.Ordinal);
            path = path.Replace("{" + name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        }

        if (method == "GET" && template.EndsWith("/events", StringComparison.Ordinal))
        {
            path += $"?after={Pick(["0", "4", "-1", "99999999999999999999", "x"])}&limit={Pick(["1", "0", "10000", "10001", "abc"])}"
                + $"&wait={Pick(["00:00:00", "00:00:00.010", "-00:00:01", "01:00:00", "soon"])}&name={Pick(["ProtocolClCloseCallComplete", "Bogus", ""])}"
                + Pick(["", $"&protocolVcContext={Pick(["vc-ctx", "", "😀", new string('c', 257)])}"])
                + Pick(["", $"&pendingOperationId={Uri.EscapeDataString(handles["pendingOperationId"].Count > 0 && random.Next(2) == 0 ? Pick(handles["pendingOperationId"]) : Pick(Garbage))}"])
                + Pick(["", $"&ndisPartyHandle={Uri.EscapeDataString(handles["ndisPartyHandle"].Count > 0 && random.Next(2) == 0 ? Pick(handles["ndisPartyHandle"]) : Pick(Garbage))}"]);
        }

        if (method == "GET" && template.EndsWith("/diagram", StringComparison.Ordinal))
        {
            path += $"?after={Pick(["0", "3", "-1", "99999999999999999999", "x"])}&max={Pick(["1", "0", "10000", "10001", "abc"])}"
                + Pick(["", $"&until={Pick(["0", "5", "-2", "999999", "soon"])}"]);
        }

        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (template.EndsWith("/report", StringComparison.Ordinal))
        {
            request.Headers.TryAddWithoutValidation("Accept", Pick(["application/xml", "application/json", "text/xml;q=0.9, application/json;q=0.1", "*/*", "%%garbage", ""]));
        }

        if (strategy != Strategy.MissingKey)
        {
            request.Headers.TryAddWithoutValidation("X-Sandbox-Key", strategy == Strategy.WrongKey ? Pick(Garbage) : sandbox.Key);
        }

        if (operation["requestBody"]?["content"]?["application/json"]?["schema"] is { } schema)
        {
            request.Content = Body(schema, strategy);
        }

        // An empty path segment makes the request another route's (or none), so it says nothing of this operation's answers.
        return (request, $"{method} {template} [{strategy}]", addressed ? operation : null);
    }

    /// <summary>
    /// True when the value stays one path segment, so the request still addresses the operation's route: not empty, without
    /// the surrounding spaces a URI loses, not a dot segment the server normalizes away, and (unescaped) without a separator.
    /// </summary>
    private static bool IsSegment(string value, bool escaped) =>
        value.Trim().Length == value.Length && value.Length > 0 && value is not ("." or "..")
        && (escaped || value.IndexOfAny(['/', '\\', '?', '#', '%']) < 0);

    private HttpContent? Body(JsonNode schema, Strategy strategy)
    {
        var valid = Instance(schema, strategy, depth: 0)?.ToJsonString() ?? "{}";
        var bytes = strategy switch
        {
            Strategy.EmptyBody => [],
            Strategy.Malformed => Encoding.UTF8.GetBytes(valid[..random.Next(Math.Max(1, valid.Length))] + Pick(["", "}", ",", "\"", "]]"])),
            Strategy.DeepJson => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2000)),
            Strategy.InvalidUtf8 => [.. Encoding.UTF8.GetBytes(valid[..(valid.Length / 2)]), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes(valid[(valid.Length / 2)..])],
            _ => Encoding.UTF8.GetBytes(valid),
        };
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new(strategy == Strategy.WrongContentType ? "text/plain" : "application/json");
        return content;
    }

    /// <summary>An instance of the schema: valid, or with its values broken the strategy's way.</summary>
    private JsonNode? Instance(JsonNode schema, Strategy strategy, int depth)
    {
        if (schema["$ref"] is { } reference)
        {
            schema = document["components"]!["schemas"]![((string)reference!).Split('/')[^1]]!;
        }

        if (depth > 6)
        {
            return null;
        }

        if (schema["oneOf"] is JsonArray oneOf)
        {
            return Instance(oneOf[random.Next(oneOf.Count)]!, strategy, depth + 1);
        }

        var type = schema["type"]?.ToString() ?? (schema["properties"] is not null ? "object" : "string");
        if (strategy == Strategy.WrongTypes && random.Next(3) == 0)
        {
            return Pick<JsonNode?>([JsonValue.Create(true), JsonValue.Create(12), JsonValue.Create("text"), new JsonArray(1, 2), new JsonObject(), null]);
        }

        switch (type)
        {
            case "object":
                var result = new JsonObject();
                foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
                {
                    if (random.Next(5) != 0 || schema["required"]?.AsArray().Any(r => (string?)r == name) == true)
                    {
                        result[name] = Instance(property!, strategy, depth + 1);
                    }
                }

                return result;
            case "array":
                return new JsonArray([.. Enumerable.Range(0, random.Next(3)).Select(_ => Instance(schema["items"]!, strategy, depth + 1))]);
            case "integer" or "number":
                return strategy == Strategy.HugeNumbers
                    ? JsonNode.Parse(Pick(["1e400", "-1", "18446744073709551616", "4294967296", "-9223372036854775809", "0.5"]))
                    : JsonValue.Create(strategy == Strategy.Boundary ? Pick<long>([0, 1, 65535, 4294967295]) : random.Next(0, 100_000));
            case "boolean":
                return JsonValue.Create(random.Next(2) == 0);
            default:
                if (schema["enum"] is JsonArray values)
                {
                    return strategy == Strategy.UnknownEnum ? JsonValue.Create("Bogus" + random.Next(100)) : values[random.Next(values.Count)]!.DeepClone();
                }

                var max = (int?)schema["maxLength"] ?? 64;
                return JsonValue.Create(strategy switch
                {
                    Strategy.Oversized => new string('x', max + 1 + random.Next(100)),
                    Strategy.Boundary => new string('y', max),
                    _ => Pick(["NDIS_STATUS_SUCCESS", "0xC0000001", "NDIS_STATUS_PENDING", "00:00:00.050", "Q2931", "ctx", "47.0005"]),
                });
        }
    }

    private T Pick<T>(IReadOnlyList<T> values) => values[random.Next(values.Count)];

    public static string Format(HttpStatusCode status) => ((int)status).ToString(CultureInfo.InvariantCulture);
}
