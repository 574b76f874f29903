using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace NdisMock.Api.Tests;

/// <summary>What the operator of a shared instance needs (issue 16): refusals logged, timestamps, per-rule metrics, a scrape endpoint, CORS, a proxy in front, Swagger UI off.</summary>
public sealed class OperatorTests
{
    [Fact]
    public async Task EveryRefusal_IsLoggedAtInformation_WithSandboxRuleAndOperation_AndNeverAKey()
    {
        var logs = new LogCollector();
        await using var app = NdisMockApplication.With(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        var sandbox = await app.NewSandboxAsync();
        using var http = app.CreateNdisClient();

        await sandbox.Post("/pending/op-none-1/complete", new { status = "NDIS_STATUS_SUCCESS" });
        using var wrongKey = new HttpRequestMessage(HttpMethod.Get, new Uri(sandbox.Path(""), UriKind.Relative));
        wrongKey.Headers.Add("X-Sandbox-Key", "not-" + sandbox.Key);
        await http.SendAsync(wrongKey);

        var refusals = logs.Entries.Where(e => e.Category == "NdisMock.Refusals").ToList();
        Assert.Contains(refusals, e => e.Level == LogLevel.Information && e.Text.Contains(sandbox.Id, StringComparison.Ordinal)
            && e.Text.Contains("V-HDL-01", StringComparison.Ordinal) && e.Text.Contains("CompletePendingOperation", StringComparison.Ordinal));
        Assert.Contains(refusals, e => e.Level == LogLevel.Information && e.Text.Contains(sandbox.Id, StringComparison.Ordinal)
            && e.Text.Contains("GetSandbox", StringComparison.Ordinal) && e.Text.Contains("403", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Text.Contains(sandbox.Key, StringComparison.Ordinal) || e.Values.Contains(sandbox.Key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task LogLines_CarryAUtcTimestamp()
    {
        await using var app = new NdisMockApplication();
        _ = app.Server;

        var json = app.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue;
        var simple = app.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue;

        Assert.False(string.IsNullOrEmpty(json.TimestampFormat));
        Assert.False(string.IsNullOrEmpty(simple.TimestampFormat));
        Assert.True(json.UseUtcTimestamp && simple.UseUtcTimestamp);
    }

    [Fact]
    public async Task ThePrometheusEndpoint_ShowsViolationsByRule_AndGaugesPerSandbox()
    {
        await using var app = new NdisMockApplication();
        var sandbox = await app.NewSandboxAsync();
        await sandbox.CreateVcAsync(await sandbox.OpenAfAsync());
        await sandbox.Post("/pending/op-none-1/complete", new { status = "NDIS_STATUS_SUCCESS" });
        using var http = app.CreateNdisClient();

        var scrape = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Matches(@"ndismock_violations(_total)?\{[^}]*rule=""V-HDL-01""[^}]*\} 1", scrape);
        Assert.Matches($@"ndismock_sandbox_vcs(_ratio|_vcs)?\{{[^}}]*sandbox_id=""{sandbox.Id}""[^}}]*\}} 1", scrape);
        Assert.Contains("ndismock_requests", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cors_IsOffByDefault_AndAnswersTheConfiguredOriginsOnly()
    {
        await using var closed = new NdisMockApplication();
        await using var open = NdisMockApplication.With(b => b.UseSetting("Operator:CorsOrigins:0", "https://tools.example.com"));

        var none = await PreflightAsync(closed, "https://tools.example.com");
        var allowed = await PreflightAsync(open, "https://tools.example.com");
        var other = await PreflightAsync(open, "https://elsewhere.example.com");

        Assert.False(none.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.True(allowed.IsSuccessStatusCode, $"{(int)allowed.StatusCode}");
        Assert.Equal("https://tools.example.com", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task BehindAProxy_TheLimitsPerClient_SeeTheClientsAddress()
    {
        await using var server = LoopbackNdisMock.Start(b => b
            .UseSetting("Operator:ForwardedHeaders", "true")
            .UseSetting("Limits:SandboxesPerClient", "1")
            .UseSetting("Limits:SandboxesPerClientPeriod", "01:00:00"));
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseAddress) };

        var first = await CreateAsync(http, "10.0.0.1");
        var second = await CreateAsync(http, "10.0.0.2");
        var again = await CreateAsync(http, "10.0.0.1");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests), (first, second, again));
    }

    [Fact]
    public async Task SwaggerUi_CanBeSwitchedOff_AndTheDocumentStays()
    {
        await using var app = NdisMockApplication.With(b => b.UseSetting("Operator:SwaggerUi", "false"));
        using var http = app.CreateNdisClient();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/swagger/index.html", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative))).StatusCode);
    }

    private static async Task<HttpStatusCode> CreateAsync(HttpClient http, string client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/sandboxes", UriKind.Relative)) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Forwarded-For", client);
        return (await http.SendAsync(request)).StatusCode;
    }

    private static async Task<HttpResponseMessage> PreflightAsync(NdisMockApplication app, string origin)
    {
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri("/sandboxes", UriKind.Relative));
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type,x-sandbox-key");
        return await http.SendAsync(request);
    }
}
