using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace NdisMock.Api.Tests;

/// <summary>
/// The OpenAPI-driven fuzzer. CI runs a short pass (NDISMOCK_FUZZ_REQUESTS, 3,000 by default); the full run is
/// NDISMOCK_FUZZ_REQUESTS=100000 dotnet test Api.Tests --filter FuzzTests (seed NDISMOCK_FUZZ_SEED, 8 by default).
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    [Fact]
    public async Task GeneratedRequests_NeverAnswer5xx_OnlyDeclaredStatuses_Every4xxIsProblemJson_AndNothingIsLoggedAsAnError()
    {
        var requests = int.Parse(Environment.GetEnvironmentVariable("NDISMOCK_FUZZ_REQUESTS") ?? "3000", System.Globalization.CultureInfo.InvariantCulture);
        var seed = int.Parse(Environment.GetEnvironmentVariable("NDISMOCK_FUZZ_SEED") ?? "8", System.Globalization.CultureInfo.InvariantCulture);
        var errors = new ConcurrentQueue<string>();
        await using var host = NdisMockApplication.With(b =>
        {
            b.UseSetting("Sandboxes:RateLimitPermits", "10000000");
            b.UseSetting("Sandboxes:MaxSandboxes", "100000");
            b.ConfigureLogging(logging => logging.AddProvider(new ErrorCollector(errors)));
        });
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(NdisMockApplication.RepositoryRoot, "Api", "openapi.json")))!;
        var fuzzer = new Fuzzer(document, new Random(seed));
        var http = host.CreateClient();
        var statuses = new Dictionary<int, int>();
        HttpSandbox? sandbox = null;
        Dictionary<string, List<string>> handles = [];

        for (var i = 0; i < requests; i++)
        {
            if (i % 500 == 0 || (await sandbox!.Get("")).Status != System.Net.HttpStatusCode.OK)
            {
                // Every 500 requests, or as soon as a generated DeleteSandbox removed it, start from a freshly seeded sandbox.
                (sandbox, handles) = await SeededSandbox(host);
            }

            var (request, description, operation) = fuzzer.Next(sandbox!, handles);
            using (request)
            {
                using var response = await http.SendAsync(request);
                var code = (int)response.StatusCode;
                statuses[code] = statuses.GetValueOrDefault(code) + 1;
                Assert.True(code < 500, $"request {i}, {description}: {code} {await response.Content.ReadAsStringAsync()}");
                Assert.True(operation is null || operation["responses"]?[code.ToString(System.Globalization.CultureInfo.InvariantCulture)] is not null,
                    $"request {i}, {description}: answered {code}, which the document does not declare for {operation?["operationId"]}");
                if (code >= 400)
                {
                    Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
                        $"request {i}, {description}: {code} answered {response.Content.Headers.ContentType}");
                }
            }
        }

        output.WriteLine($"fuzz: seed {seed}, {requests} requests, 5xx 0, errors logged {errors.Count}; statuses "
            + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        Assert.True(errors.IsEmpty, string.Join("\n", errors.Take(5)));
        Assert.True(statuses.Keys.Count(k => k < 300) >= 3 && statuses.Keys.Count(k => k >= 400) >= 5,
            "the requests should reach both successes and many kinds of refusal: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
    }

    /// <summary>A sandbox holding one of each kind of object, so that generated requests can name live handles.</summary>
    private static async Task<(HttpSandbox, Dictionary<string, List<string>>)> SeededSandbox(NdisMockApplication host)
    {
        var sandbox = await host.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync();
        var sap = (await sandbox.Post($"/client/address-families/{af}/saps", new { sap = new { sapType = "Nsap", value = "47.01" } }))["ndisSapHandle"]!;
        var vc = await sandbox.CreateVcAsync(af);
        var made = await sandbox.Post($"/client/vcs/{vc}/call", new { protocolPartyContext = "p" });
        var pointToPoint = await sandbox.CreateVcAsync(af);
        var pended = await sandbox.Post($"/client/vcs/{pointToPoint}/call");
        return (sandbox, new Dictionary<string, List<string>>
        {
            ["ndisAfHandle"] = [af],
            ["ndisSapHandle"] = [sap],
            ["ndisVcHandle"] = [vc, pointToPoint],
            ["ndisPartyHandle"] = [made["ndisPartyHandle"]!],
            ["pendingOperationId"] = [made["pendingOperationId"]!, pended["pendingOperationId"]!],
        });
    }

    /// <summary>Collects every log entry at Error or above, or carrying an exception.</summary>
    private sealed class ErrorCollector(ConcurrentQueue<string> errors) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error || (exception is not null && logLevel >= LogLevel.Warning))
            {
                errors.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
