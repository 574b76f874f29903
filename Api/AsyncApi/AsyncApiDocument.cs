using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using NdisMock.Domain;
using NdisMock.Hubs;
using Swashbuckle.AspNetCore.Swagger;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace NdisMock.Api.AsyncApi;

/// <summary>
/// The AsyncAPI 3.0 document of the hub at <c>/hubs/ndis</c>, read off the code: one <c>receive</c> operation per
/// <see cref="INdisClient"/> method (the server invokes it), one <c>send</c> operation per hub method a client may invoke,
/// found in <see cref="NdisHub"/> as SignalR finds them, each with a reply (the completion). Payload schemas come from the
/// OpenAPI document's source (<see cref="HubSchemas"/>).
/// </summary>
internal static partial class AsyncApiDocument
{
    public const string Version = "3.0.0";
    public const string ChannelId = "ndisHub";
    private const string ServerId = "local";
    private const string ChannelRef = "#/channels/" + ChannelId;

    public static async Task<JsonObject> BuildAsync(IServiceProvider services)
    {
        var schemas = new HubSchemas(services.GetRequiredService<ISwaggerProvider>(), services.GetRequiredService<ISchemaGenerator>());
        var docs = XmlDocs.For(typeof(NdisHub).Assembly);
        var messages = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        var operations = new JsonObject();
        var payloads = new List<JsonNode>();

        foreach (var method in ClientMethods())
        {
            var payload = method.GetParameters() is [var single] ? await schemas.PayloadAsync(single.ParameterType) : await ArgumentsAsync(schemas, docs, method.Name, method.GetParameters());
            payloads.Add(payload);
            var (tag, summary) = Kind(method.Name);
            messages.Add(method.Name, Message(method.Name, summary ?? docs.Summary(method), payload, WdkPage(method.Name)));
            operations.Add(method.Name, Operation("receive", method.Name, summary ?? docs.Summary(method), tag,
                $"The server invokes the client method `{method.Name}` with {(method.GetParameters().Length == 1 ? "one argument, this message's payload" : "these arguments")}; there is nothing to answer."));
        }

        foreach (var (name, method) in HubMethods())
        {
            var payload = await ArgumentsAsync(schemas, docs, name, Arguments(method));
            payloads.Add(payload);
            messages.Add(name, Message(name, $"An invocation of the hub method {name}: its arguments, by position.", payload, externalDocs: null));

            var result = ResultType(method);
            var replyPayload = result is null ? null : await schemas.PayloadAsync(result);
            if (replyPayload is not null)
            {
                payloads.Add(replyPayload);
            }

            var completion = name + "Completion";
            messages.Add(completion, Message(completion,
                result is null ? $"The completion of {name}: no result." : $"The completion of {name}: its result.", replyPayload, externalDocs: null));
            var operation = Operation("send", name, docs.Summary(method), "hub method",
                $"Invoke `{name}` with its arguments by position. The completion carries {(result is null ? "no result" : "the result")}, " +
                "or an error with the reason when the hub refuses (the invocation then changes nothing).");
            operation["reply"] = new JsonObject
            {
                ["channel"] = Ref(ChannelRef),
                ["messages"] = new JsonArray(Ref($"{ChannelRef}/messages/{completion}")),
            };
            operations.Add(name, operation);
        }

        var channelMessages = new JsonObject();
        var componentMessages = new JsonObject();
        foreach (var (name, message) in messages)
        {
            channelMessages[name] = Ref("#/components/messages/" + name);
            componentMessages[name] = message;
        }

        return new JsonObject
        {
            ["asyncapi"] = Version,
            ["info"] = new JsonObject
            {
                ["title"] = "NdisMock hub",
                ["version"] = "v1",
                ["description"] = Description,
                ["externalDocs"] = new JsonObject
                {
                    ["description"] = "The REST API of the same instance (OpenAPI): sandboxes, both roles' NDIS calls, the journal",
                    ["url"] = "http://localhost:5080/swagger/v1/swagger.json",
                },
            },
            ["defaultContentType"] = "application/json",
            ["servers"] = new JsonObject
            {
                [ServerId] = new JsonObject
                {
                    ["host"] = "localhost:5080",
                    ["protocol"] = "ws",
                    ["title"] = "A local NdisMock",
                    ["description"] = "`dotnet run --project Api` listens here. A SignalR client first negotiates over HTTP " +
                        $"(`POST http://localhost:5080{HubRegistration.Path}/negotiate?negotiateVersion=1`), then opens the WebSocket with the " +
                        "`connectionToken` it was given as `id`; a WebSocket-only client may skip negotiation and connect at once.",
                },
            },
            ["channels"] = new JsonObject
            {
                [ChannelId] = new JsonObject
                {
                    ["address"] = HubRegistration.Path,
                    ["title"] = nameof(NdisHub),
                    ["description"] = $"The SignalR hub {nameof(NdisHub)}. Every message of this document travels over one connection: invocations " +
                        "of the hub's methods and their completions one way, invocations of the client's methods the other. One connection may " +
                        "follow several sandboxes, and never receives another sandbox's events.",
                    ["servers"] = new JsonArray(Ref("#/servers/" + ServerId)),
                    ["messages"] = channelMessages,
                    ["bindings"] = new JsonObject
                    {
                        ["ws"] = new JsonObject
                        {
                            ["method"] = "GET",
                            ["query"] = new JsonObject
                            {
                                ["type"] = "object",
                                ["properties"] = new JsonObject
                                {
                                    ["id"] = new JsonObject
                                    {
                                        ["type"] = "string",
                                        ["description"] = "The connectionToken negotiation answered; absent when the client skipped negotiation.",
                                    },
                                },
                            },
                            ["bindingVersion"] = "0.1.0",
                        },
                    },
                },
            },
            ["operations"] = operations,
            ["components"] = new JsonObject
            {
                ["messages"] = componentMessages,
                ["schemas"] = await schemas.ComponentsAsync(payloads),
            },
        };
    }

    /// <summary>The methods the server invokes on a client: <see cref="INdisClient"/>'s, in declaration order.</summary>
    public static IEnumerable<MethodInfo> ClientMethods() => typeof(INdisClient).GetMethods().OrderBy(m => m.MetadataToken);

    /// <summary>
    /// The methods a client may invoke, as SignalR's hub dispatcher finds them: public instance methods, not properties'
    /// accessors, not those of <see cref="Hub"/> or object (OnConnectedAsync, Dispose), by their [HubMethodName] if any.
    /// </summary>
    public static IEnumerable<(string Name, MethodInfo Method)> HubMethods() =>
        from method in typeof(NdisHub).GetMethods(BindingFlags.Public | BindingFlags.Instance)
        let declaredBy = method.GetBaseDefinition().DeclaringType!
        where !method.IsSpecialName && declaredBy != typeof(object) && declaredBy != typeof(Hub) && !(declaredBy.IsGenericType && declaredBy.GetGenericTypeDefinition() == typeof(Hub<>))
        orderby method.MetadataToken
        select (method.GetCustomAttribute<HubMethodNameAttribute>()?.Name ?? method.Name, method);

    /// <summary>What a caller passes: SignalR supplies a CancellationToken and [FromServices] parameters itself.</summary>
    private static ParameterInfo[] Arguments(MethodInfo method)
    {
        var arguments = method.GetParameters()
            .Where(p => p.ParameterType != typeof(CancellationToken) && p.GetCustomAttribute<Microsoft.AspNetCore.Mvc.FromServicesAttribute>() is null && p.GetCustomAttribute<FromKeyedServicesAttribute>() is null)
            .ToArray();
        return arguments.Any(p => IsStream(p.ParameterType))
            ? throw new NotSupportedException($"{method.Name} takes a stream from the client; describe client-to-server streaming in the AsyncAPI document first.")
            : arguments;
    }

    /// <summary>The completion's result type, or null for a method that has none.</summary>
    private static Type? ResultType(MethodInfo method)
    {
        var type = method.ReturnType;
        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            type = type.GetGenericArguments()[0];
        }
        else if (type == typeof(void) || type == typeof(Task) || type == typeof(ValueTask))
        {
            return null;
        }

        return IsStream(type) ? throw new NotSupportedException($"{method.Name} streams its result; describe server-to-client streaming in the AsyncAPI document first.") : type;
    }

    private static bool IsStream(Type type) =>
        type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>) || type.GetGenericTypeDefinition() == typeof(ChannelReader<>));

    /// <summary>An invocation's arguments: a JSON array with one item per parameter, in order.</summary>
    private static async Task<JsonNode> ArgumentsAsync(HubSchemas schemas, XmlDocs docs, string method, IReadOnlyList<ParameterInfo> parameters)
    {
        var items = new JsonArray();
        foreach (var parameter in parameters)
        {
            var schema = await schemas.ArgumentAsync(parameter);
            // Beside a $ref, draft 7 ignores every other keyword: a referenced type is named through allOf.
            var item = schema is JsonObject plain && !plain.ContainsKey("$ref") ? plain : new JsonObject { ["allOf"] = new JsonArray(schema) };
            var described = new JsonObject { ["title"] = parameter.Name };
            if (docs.Parameter(parameter) is { } description)
            {
                described["description"] = description;
            }

            foreach (var (key, value) in item.ToList())
            {
                item.Remove(key);
                described[key] = value;
            }

            items.Add(described);
        }

        return new JsonObject
        {
            ["type"] = "array",
            ["description"] = parameters.Count == 0
                ? $"{method} takes no argument: an empty array."
                : $"The arguments of {method}, by position: {string.Join(", ", parameters.Select(p => p.Name))}.",
            ["items"] = items,
            ["minItems"] = parameters.Count,
            ["maxItems"] = parameters.Count,
            ["additionalItems"] = false,
        };
    }

    private static JsonObject Message(string name, string? summary, JsonNode? payload, JsonObject? externalDocs)
    {
        var message = new JsonObject { ["name"] = name, ["title"] = name };
        if (summary is not null)
        {
            message["summary"] = summary;
        }

        message["contentType"] = "application/json";
        if (payload is not null)
        {
            message["payload"] = payload.DeepClone();
        }

        if (externalDocs is not null)
        {
            message["externalDocs"] = externalDocs;
        }

        return message;
    }

    private static JsonObject Operation(string action, string name, string? summary, string? tag, string description)
    {
        var operation = new JsonObject { ["action"] = action, ["channel"] = Ref(ChannelRef), ["title"] = name };
        if (summary is not null)
        {
            operation["summary"] = summary;
        }

        operation["description"] = description;
        operation["messages"] = new JsonArray(Ref($"{ChannelRef}/messages/{name}"));
        if (tag is not null)
        {
            operation["tags"] = new JsonArray(new JsonObject { ["name"] = tag });
        }

        return operation;
    }

    private static JsonObject Ref(string path) => new() { ["$ref"] = path };

    /// <summary>
    /// What kind of NDIS event a client method is named after, read off the WDK's naming (as the Domain's EventName groups
    /// them): a function either role calls, a handler NDIS invokes, or a callback it delivers. Null for a method that is no
    /// event (SubscriptionEnded).
    /// </summary>
    private static (string? Tag, string? Summary) Kind(string method)
    {
        if (!Enum.TryParse<EventName>(method, out _))
        {
            return (null, null);
        }

        const string Pushed = " The journal event, pushed in sequence order to every subscriber of its sandbox.";
        return method switch
        {
            _ when method.StartsWith("NdisMCm", StringComparison.Ordinal) => ("MCM function", $"{method}: a function the MCM called." + Pushed),
            _ when method.StartsWith("Ndis", StringComparison.Ordinal) => ("client function", $"{method}: a function the client called." + Pushed),
            "ProtocolCoCreateVc" or "ProtocolCoDeleteVc" => ("handler of either role",
                $"{method}: a handler NDIS invoked, on the MCM for a VC the client created, on the client for one the MCM created." + Pushed),
            _ when method.StartsWith("ProtocolCm", StringComparison.Ordinal) => ("MCM handler", $"{method}: a handler NDIS invoked on the MCM." + Pushed),
            _ => ("client callback", $"{method}: a callback NDIS delivered to the client." + Pushed),
        };
    }

    /// <summary>The WDK page of an event: an ndis.h function's, or a handler's callback type (ProtocolClMakeCallComplete: PROTOCOL_CL_MAKE_CALL_COMPLETE).</summary>
    private static JsonObject? WdkPage(string method)
    {
        if (!Enum.TryParse<EventName>(method, out _))
        {
            return null;
        }

        var url = method.StartsWith("Ndis", StringComparison.Ordinal)
            ? WdkPages.FunctionUrl(method)
            : WdkPages.UrlOf(string.Join('_', Words().Split(method)).ToUpperInvariant());
        return url is null ? null : new JsonObject { ["description"] = $"{method} in the WDK reference", ["url"] = url };
    }

    /// <summary>Before each capital that starts a word: Protocol|Cl|Modify|Call|QoS|Complete.</summary>
    [GeneratedRegex("(?<!^)(?=[A-Z][a-z])")]
    private static partial Regex Words();

    private const string Description = """
        The push channel of NdisMock: a SignalR hub. Subscribe to a sandbox and every event of its journal arrives after the
        sequence you give, in order, then every live one, each as an invocation of the client method named exactly after
        the event (`ProtocolClCloseCallComplete`, `NdisClMakeCall`, …) with the event as its one argument: the shape
        `GetEvents` returns, plus `sandboxId`. `SubscriptionEnded` tells why a subscription stopped (sandbox deleted or
        expired, journal overrun) instead of leaving a silent gap.

        **Connecting.** A SignalR client (`@microsoft/signalr`, `Microsoft.AspNetCore.SignalR.Client`) does all of this.
        It negotiates first, `POST /hubs/ndis/negotiate?negotiateVersion=1`, which answers a `connectionToken` and the
        transports (WebSockets, Server-Sent Events, long polling), then opens `ws://localhost:5080/hubs/ndis?id={connectionToken}`;
        a WebSocket-only client may skip negotiation and connect to `/hubs/ndis` directly. Its first message is the handshake
        `{"protocol":"json","version":1}` (or `"messagepack"`), answered by `{}`.

        **Framing.** With the JSON protocol each message is a JSON object ended by the record separator 0x1E. A client invokes
        a hub method by its name with its arguments by position, `{"type":1,"invocationId":"1","target":"Subscribe","arguments":["sbx-3f9c2a71d04e8b65","<key>",0]}`,
        and is answered with a completion, `{"type":3,"invocationId":"1","result":{…}}`, or with `"error"` and the reason
        when the hub refuses. The server invokes a client method the same way without an invocationId, as nothing answers:
        `{"type":1,"target":"ProtocolClCloseCallComplete","arguments":[{…}]}`. Pings are `{"type":6}`, a close `{"type":7}`.
        The MessagePack protocol sends the same messages as MessagePack arrays (an invocation is
        `[1, headers, invocationId, target, arguments, streamIds]`), each preceded by its length as a varint.

        **Payloads.** A message's payload here is what travels in `arguments` or `result`: for a client method, its one
        argument; for a hub method, the whole arguments array; for a completion, its result. The schemas are the OpenAPI
        document's, for the JSON protocol, which is configured like the REST API: camelCase names, enums by their wire names,
        address families by their ndis.h names, null values left out. MessagePack carries the same values keyed by their .NET
        member names (`Sequence`, `NdisVcHandle`, …), enums by their .NET names (`Client`, `Q2931`), absent values as nil and
        timestamps in MessagePack's own form.
        """;
}
