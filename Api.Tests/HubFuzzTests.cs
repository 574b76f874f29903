using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace NdisMock.Api.Tests;

/// <summary>
/// The hub fuzzer: random method names, argument counts, types and sizes, in random orders, against real and foreign
/// sandboxes. Every invocation answers or fails with a hub error, the server logs no error and the process stays up.
/// CI runs a short pass (NDISMOCK_HUB_FUZZ_INVOCATIONS, 1,000 by default); the documented run is
/// NDISMOCK_HUB_FUZZ_INVOCATIONS=10000 dotnet test Api.Tests --filter HubFuzzTests (seed NDISMOCK_HUB_FUZZ_SEED, 16 by default).
/// </summary>
public sealed class HubFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Methods = ["Subscribe", "SubscribeToEvents", "Unsubscribe", "subscribe", "UNSUBSCRIBE", "OnDisconnectedAsync",
        "Dispose", "OnConnectedAsync", "Follow", "Open", " ", "Subscribe ", "😀", new string('m', 3000), "ToString", "GetType"];

    [Fact]
    public async Task RandomInvocations_AnswerOrFailWithAHubError_AndNothingIsLoggedAsAnError()
    {
        var invocations = int.Parse(Environment.GetEnvironmentVariable("NDISMOCK_HUB_FUZZ_INVOCATIONS") ?? "1000", CultureInfo.InvariantCulture);
        var seed = int.Parse(Environment.GetEnvironmentVariable("NDISMOCK_HUB_FUZZ_SEED") ?? "16", CultureInfo.InvariantCulture);
        var random = new Random(seed);
        var logs = new LogCollector();
        await using var app = NdisMockApplication.With(b => b
            .UseSetting("Sandboxes:RateLimitPermits", "10000000")
            .ConfigureLogging(l => l.AddProvider(logs)));
        var sandboxes = new List<HttpSandbox> { await app.NewSandboxAsync(), await app.NewSandboxAsync() };
        await sandboxes[0].OpenAfAsync();
        var answered = 0;
        var refused = 0;
        var closed = 0;
        var hub = await ConnectAsync(app, random);

        for (var i = 0; i < invocations; i++)
        {
            if (random.Next(500) == 0)
            {
                // Now and then a sandbox goes away under its subscribers, and a new one comes.
                HttpSandbox.Ok(await sandboxes[^1].Delete(""));
                sandboxes[^1] = await app.NewSandboxAsync();
            }

            var method = random.Next(4) == 0 ? Pick(random, Methods) : Pick(random, ["Subscribe", "SubscribeToEvents", "Unsubscribe"]);
            var arguments = Arguments(random, sandboxes);
            if (hub.State != HubConnectionState.Connected)
            {
                closed++;
                await hub.DisposeAsync();
                hub = await ConnectAsync(app, random);
            }

            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await hub.InvokeCoreAsync<object?>(method, arguments, timeout.Token);
                answered++;
            }
            catch (HubException)
            {
                refused++;
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or TaskCanceledException && hub.State != HubConnectionState.Connected)
            {
                // A message the server will not read (too large) closes the connection, as SignalR documents: not a crash.
                closed++;
            }
        }

        await hub.DisposeAsync();
        var health = await app.CreateNdisClient().GetAsync(new Uri("/health", UriKind.Relative));
        output.WriteLine($"hub fuzz: seed {seed}, {invocations} invocations: {answered} answered, {refused} hub errors, {closed} connections closed and reopened; errors logged {logs.Errors.Count()}");
        Assert.True(health.IsSuccessStatusCode);
        Assert.Empty(logs.Errors);
        Assert.True(answered > 0 && refused > 0, $"answered {answered}, refused {refused}");
    }

    private static async Task<HubConnection> ConnectAsync(NdisMockApplication app, Random random)
    {
        var hub = app.CreateHubConnection(messagePack: random.Next(2) == 0);
        await hub.StartAsync();
        return hub;
    }

    /// <summary>Arguments of random count, types and sizes, often close to a real call (an id and its key, or swapped).</summary>
    private static object?[] Arguments(Random random, List<HttpSandbox> sandboxes)
    {
        var sandbox = Pick(random, sandboxes);
        var other = Pick(random, sandboxes);
        object? Any() => random.Next(14) switch
        {
            0 => sandbox.Id,
            1 => sandbox.Key,
            2 => other.Key,
            3 => (long)random.Next(-5, 40),
            4 => long.MaxValue,
            5 => long.MinValue,
            6 => null,
            7 => new string('x', random.Next(0, 40_000)),
            8 => new[] { "ProtocolClCloseCallComplete", "NdisClMakeCall" },
            9 => new[] { sandbox.Key, "nope", "" },
            10 => Array.Empty<string>(),
            11 => random.NextDouble(),
            12 => true,
            _ => "sbx-" + random.Next().ToString("x16", CultureInfo.InvariantCulture),
        };

        return random.Next(3) switch
        {
            0 => [sandbox.Id, sandbox.Key, (long)random.Next(0, 8)],
            1 => [sandbox.Id, random.Next(2) == 0 ? sandbox.Key : other.Key, (long)random.Next(0, 8), new[] { "NdisClOpenAddressFamilyEx", "protocolcmopenaf" }],
            _ => [.. Enumerable.Range(0, random.Next(0, 6)).Select(_ => Any())],
        };
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
