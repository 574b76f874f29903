using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NdisMock.Hubs;

namespace NdisMock.Api.Tests;

/// <summary>One instance shared by many teams: keys, the operator, lifetimes and limits.</summary>
public sealed class SharedInstanceTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong", HttpStatusCode.Forbidden)]
    [InlineData("other", HttpStatusCode.Forbidden)]
    public async Task EveryRouteOfASandbox_RefusesAMissingWrongOrForeignKey(string? key, HttpStatusCode expected)
    {
        var sandbox = await app.NewSandboxAsync();
        var other = await app.NewSandboxAsync();
        var sent = key == "other" ? other.Key : key;
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(NdisMockApplication.RepositoryRoot, "Api", "openapi.json")))!;
        var routes = document["paths"]!.AsObject()
            .Where(p => p.Key.StartsWith("/sandboxes/{sandboxId}", StringComparison.Ordinal))
            .SelectMany(p => p.Value!.AsObject().Select(m => (Method: m.Key.ToUpperInvariant(), Path: p.Key)))
            .ToList();
        var before = await sandbox.StateAsync();

        foreach (var (method, template) in routes)
        {
            var path = template.Replace("{sandboxId}", sandbox.Id, StringComparison.Ordinal)
                .Replace("{handler}", "ProtocolCmMakeCall", StringComparison.Ordinal);
            path = System.Text.RegularExpressions.Regex.Replace(path, "{[a-zA-Z]+}", "x-1");
            using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
            if (method is "POST" or "PUT")
            {
                request.Content = new StringContent("{\"status\":\"NDIS_STATUS_SUCCESS\",\"mode\":\"Pend\",\"addressFamily\":\"Q2931\"}", Encoding.UTF8, "application/json");
            }

            if (sent is not null)
            {
                request.Headers.Add("X-Sandbox-Key", sent);
            }

            var response = await sandbox.Http.SendAsync(request);

            Assert.True(expected == response.StatusCode, $"{method} {template} answered {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.True(routes.Count >= 40, $"only {routes.Count} routes found");
        Assert.Equal(before, await sandbox.StateAsync());
    }

    [Fact]
    public async Task WithoutAnOperatorKeyConfigured_ListingIsRefused()
    {
        using var http = app.CreateNdisClient();

        var response = await http.GetAsync(new Uri("/sandboxes", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Operator__Key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheOperator_ListsAndDeletesAnySandbox_ButCannotActInOne()
    {
        await using var shared = NdisMockApplication.With(b => b.UseSetting("Operator:Key", "operator-secret"));
        var sandbox = await shared.NewSandboxAsync();
        using var http = shared.CreateNdisClient();

        var noKey = await http.GetAsync(new Uri("/sandboxes", UriKind.Relative));
        var wrongKey = await Send(http, HttpMethod.Get, "/sandboxes", "nope");
        var listed = await Send(http, HttpMethod.Get, "/sandboxes", "operator-secret");
        var acting = await Send(http, HttpMethod.Post, sandbox.Path("/client/address-families"), "operator-secret");
        var deleted = await Send(http, HttpMethod.Delete, sandbox.Path(""), "operator-secret");

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.OK), (noKey.StatusCode, wrongKey.StatusCode, listed.StatusCode));
        var list = await listed.Content.ReadAsStringAsync();
        Assert.Contains(sandbox.Id, list, StringComparison.Ordinal);
        Assert.DoesNotContain(sandbox.Key, list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, acting.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sandbox.Get("")).Status);
    }

    [Fact]
    public async Task AnUnusedSandbox_ExpiresAfterItsTimeToLive_AndUseKeepsItAlive()
    {
        var clock = NewClock();
        await using var shared = OnClock(clock, ("Sandboxes:TimeToLive", "01:00:00"), ("Sandboxes:EvictionInterval", "00:01:00"));
        var used = await shared.NewSandboxAsync();
        var idle = await shared.NewSandboxAsync();
        await using var hub = shared.CreateHubConnection();
        var sink = new EventSink(hub);
        await hub.StartAsync();
        await hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), idle.Id, idle.Key, 4L);

        clock.Advance(TimeSpan.FromMinutes(40));
        await used.OpenAfAsync();
        clock.Advance(TimeSpan.FromMinutes(40));

        var ended = await sink.EndedAsync();
        Assert.Equal((idle.Id, "SandboxExpired"), (ended.SandboxId, ended.Reason));
        Assert.Equal(HttpStatusCode.NotFound, (await idle.Get("")).Status);
        Assert.Equal(HttpStatusCode.OK, (await used.Get("")).Status);
        Assert.Single((await used.Get("")).Body!["addressFamilies"]!.AsArray());

        clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(HttpStatusCode.NotFound, (await used.Get("")).Status);
    }

    [Fact]
    public async Task SandboxLimit_RefusesTheNextSandbox_AndKeepsTheOthers()
    {
        await using var shared = NdisMockApplication.With(b => b.UseSetting("Sandboxes:MaxSandboxes", "2"));
        var first = await shared.NewSandboxAsync();
        await shared.NewSandboxAsync();
        await first.OpenAfAsync();
        using var http = shared.CreateNdisClient();

        var refused = await http.PostAsync(new Uri("/sandboxes", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"));
        var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("MaxSandboxes", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single((await first.Get("")).Body!["addressFamilies"]!.AsArray());
        Assert.Contains("Degraded", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VcAndPendingQuotas_Answer409_AndKeepWhatIsThere()
    {
        await using var shared = NdisMockApplication.With(b =>
        {
            b.UseSetting("Sandboxes:MaxVcsPerSandbox", "2");
            b.UseSetting("Sandboxes:MaxPendingOperationsPerSandbox", "1");
        });
        var sandbox = await shared.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync();
        var one = await sandbox.CreateVcAsync(af);
        var two = await sandbox.CreateVcAsync(af);
        await sandbox.Post($"/client/vcs/{one}/call");
        var before = await sandbox.StateAsync();

        var thirdVc = await sandbox.Post($"/client/address-families/{af}/vcs", new { });
        var secondPend = await sandbox.Post($"/client/vcs/{two}/call");

        Assert.Equal((HttpStatusCode.Conflict, "V-QUOTA-01"), (thirdVc.Status, thirdVc["rule"]));
        Assert.Equal((HttpStatusCode.Conflict, "V-QUOTA-02"), (secondPend.Status, secondPend["rule"]));
        Assert.Equal(before, await sandbox.StateAsync());
    }

    [Fact]
    public async Task RateLimit_Answers429WithRetryAfter_PerSandbox_AndKeepsState()
    {
        await using var shared = NdisMockApplication.With(b =>
        {
            b.UseSetting("Sandboxes:RateLimitPermits", "5");
            b.UseSetting("Sandboxes:RateLimitPeriod", "01:00:00");
        });
        var busy = await shared.NewSandboxAsync();
        var calm = await shared.NewSandboxAsync();
        await busy.OpenAfAsync("kept");
        for (var i = 0; i < 4; i++)
        {
            await busy.Get("/behaviors");
        }

        var limited = await busy.Post("/client/address-families", new { addressFamily = "Q2931" });
        var other = await calm.Get("");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal("application/problem+json", limited.ContentType);
        Assert.True(limited.Message.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing");
        Assert.Equal(HttpStatusCode.OK, other.Status);
    }

    [Fact]
    public async Task RateLimit_RefillsAtTheEndOfThePeriod_OnTheInjectedClock()
    {
        var clock = NewClock();
        await using var shared = OnClock(clock, ("Sandboxes:RateLimitPermits", "2"), ("Sandboxes:RateLimitPeriod", "00:01:00"));
        var sandbox = await shared.NewSandboxAsync();
        await sandbox.Get("");
        await sandbox.Get("");
        clock.Advance(TimeSpan.FromSeconds(15));

        var spent = await sandbox.Get("");
        clock.Advance(TimeSpan.FromSeconds(45));
        var refilled = await sandbox.Get("");

        Assert.Equal(HttpStatusCode.TooManyRequests, spent.Status);
        Assert.Equal(TimeSpan.FromSeconds(45), spent.Message.Headers.RetryAfter?.Delta);
        Assert.Equal(45, (int)spent.Body!["retryAfterSeconds"]!);
        Assert.Equal(HttpStatusCode.OK, refilled.Status);
    }

    [Fact]
    public async Task OversizedBody_Answers413_AndChangesNothing()
    {
        await using var shared = NdisMockApplication.With(b => b.UseSetting("Sandboxes:MaxRequestBodySize", "1024"));
        var sandbox = await shared.NewSandboxAsync();
        var before = await sandbox.StateAsync();

        var refused = await sandbox.PostJson("/client/address-families", $"{{\"addressFamily\":\"Q2931\",\"clientAfContext\":\"{new string('x', 2000)}\"}}");

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "application/problem+json"), (refused.Status, refused.ContentType));
        Assert.Equal(before, await sandbox.StateAsync());
    }

    [Fact]
    public async Task Metrics_CountRequests_AndShowSandboxesAndPendingRequests()
    {
        await using var shared = new NdisMockApplication();
        var meters = shared.Services.GetRequiredService<IMeterFactory>();
        var measurements = new List<(string Instrument, long Value, string? Operation)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "NdisMock" && ReferenceEquals(instrument.Meter.Scope, meters))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (measurements)
            {
                measurements.Add((instrument.Name, value, tags.ToArray().FirstOrDefault(t => t.Key == "operation").Value as string));
            }
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            lock (measurements)
            {
                measurements.Add((instrument.Name, value, null));
            }
        });
        listener.Start();

        var sandbox = await shared.NewSandboxAsync();
        var vc = await sandbox.CreateVcAsync(await sandbox.OpenAfAsync());
        await sandbox.Post($"/client/vcs/{vc}/call");
        listener.RecordObservableInstruments();

        lock (measurements)
        {
            Assert.Contains(measurements, m => m is { Instrument: "ndismock.requests", Operation: "NdisClMakeCall" });
            Assert.Contains(measurements, m => m is { Instrument: "ndismock.sandboxes.active", Value: 1 });
            Assert.Contains(measurements, m => m is { Instrument: "ndismock.pending_operations", Value: 1 });
        }
    }

    private static async Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string path, string operatorKey)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Add("X-Operator-Key", operatorKey);
        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("{\"addressFamily\":\"Q2931\"}", Encoding.UTF8, "application/json");
        }

        return await http.SendAsync(request);
    }

    private static FakeTimeProvider NewClock() =>
        new(DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>An instance whose time is <paramref name="clock"/>, with these settings.</summary>
    private static NdisMockApplication OnClock(FakeTimeProvider clock, params (string Key, string Value)[] settings) =>
        NdisMockApplication.With(b =>
        {
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }

            b.ConfigureServices(s => s.AddSingleton<TimeProvider>(clock));
        });
}
