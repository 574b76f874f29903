using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using NdisMock.Api.Sandboxes;
using NdisMock.Hubs;

namespace NdisMock.Api.Tests;

/// <summary>
/// The findings of a hostile tenant on a shared instance (issue 16), each reproduced with tiny limits: every limit is a
/// setting, answers a problem (or, for a connection, closes it) and changes nothing.
/// </summary>
public sealed class LimitsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Connections_PastLimitsMaxConnections_AreClosedOnAccept_WhileTheHeldOnesStayOpen()
    {
        await using var server = LoopbackNdisMock.Start(b => b.UseSetting("Limits:MaxConnections", "2"));
        var endpoint = new Uri(server.BaseAddress);
        // Each held connection is served once before the next one opens, so Kestrel has surely counted it: connections
        // accepted together are counted in whatever order the thread pool runs them.
        using var first = await KeptAliveConnectionAsync(endpoint);
        using var second = await KeptAliveConnectionAsync(endpoint);

        using var third = await HeldConnectionAsync(endpoint);

        Assert.Equal(0, await ReadAsync(third));
        Assert.True(first.Connected && second.Connected);
    }

    [Fact]
    public async Task ASlowloris_IsCutOffAfterLimitsRequestHeadersTimeout()
    {
        await using var server = LoopbackNdisMock.Start(b => b.UseSetting("Limits:RequestHeadersTimeout", "00:00:01"));
        using var slow = await HeldConnectionAsync(new Uri(server.BaseAddress));

        // Kestrel answers 408 and closes: the read ends instead of waiting for ever.
        var buffer = new byte[4096];
        var answer = new StringBuilder();
        int read;
        using var timeout = new CancellationTokenSource(Patience);
        while ((read = await slow.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        Assert.StartsWith("HTTP/1.1 408", answer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatingSandboxes_PastLimitsSandboxesPerClient_Answers429_AndCreatesNothing()
    {
        await using var app = NdisMockApplication.With(b => b.UseSetting("Limits:SandboxesPerClient", "2").UseSetting("Limits:SandboxesPerClientPeriod", "01:00:00"));
        await app.NewSandboxAsync();
        await app.NewSandboxAsync();
        using var http = app.CreateNdisClient();

        var refused = await http.PostAsync(new Uri("/sandboxes", UriKind.Relative), Json("{}"));

        await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, "SandboxesPerClient");
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(2, app.Services.GetRequiredService<SandboxStore>().Count);
    }

    [Fact]
    public async Task HubNegotiations_PastLimitsNegotiationsPerClient_Answer429()
    {
        await using var app = NdisMockApplication.With(b => b.UseSetting("Limits:NegotiationsPerClient", "2").UseSetting("Limits:NegotiationsPerClientPeriod", "01:00:00"));
        using var http = app.CreateNdisClient();
        var negotiate = new Uri("/hubs/ndis/negotiate?negotiateVersion=1", UriKind.Relative);

        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync(negotiate, null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync(negotiate, null)).StatusCode);
        var refused = await http.PostAsync(negotiate, null);

        await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, "NegotiationsPerClient");
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [Fact]
    public async Task LongPolls_PastSandboxesMaxWaitsPerSandbox_Answer429_WhileTheWaitingOnesGoOn()
    {
        await using var app = NdisMockApplication.With(b => b.UseSetting("Sandboxes:MaxWaitsPerSandbox", "2"));
        var sandbox = await app.NewSandboxAsync();
        var last = await sandbox.LastSequenceAsync();
        var entry = app.Services.GetRequiredService<SandboxStore>().Find(sandbox.Id)!;
        var bothWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        entry.WaitsChanged += waits =>
        {
            if (waits == 2)
            {
                bothWaiting.TrySetResult();
            }
        };
        var waiting = new[] { sandbox.Get($"/events?after={last}&wait=00:00:30"), sandbox.Get($"/events?after={last}&wait=00:00:30") };
        await bothWaiting.Task.WaitAsync(Patience);

        var refused = await sandbox.Get($"/events?after={last}&wait=00:00:30");
        var unwaited = await sandbox.Get($"/events?after={last}");
        await sandbox.OpenAfAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Equal("MaxWaitsPerSandbox", (string?)refused.Body!["limit"]);
        Assert.Equal(HttpStatusCode.OK, unwaited.Status);
        Assert.All(await Task.WhenAll(waiting), r => Assert.NotEmpty(r.Body!["events"]!.AsArray()));
        Assert.Equal(0, entry.Waits);
    }

    [Fact]
    public async Task Quotas_OnAddressFamiliesSapsPartiesAndRoutes_Answer409_AndChangeNothing()
    {
        await using var app = NdisMockApplication.With(b => b
            .UseSetting("Sandboxes:MaxAddressFamiliesPerSandbox", "1")
            .UseSetting("Sandboxes:MaxSapsPerSandbox", "1")
            .UseSetting("Sandboxes:MaxPartiesPerSandbox", "1")
            .UseSetting("Sandboxes:MaxRoutesPerSandbox", "1"));
        var sandbox = await app.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync();
        HttpSandbox.Ok(await sandbox.Post($"/client/address-families/{af}/saps", new { sap = new { sapType = "Nsap", value = "47.01" } }));
        var vc = await sandbox.CreateVcAsync(af);
        var made = await sandbox.Post($"/client/vcs/{vc}/call", new { protocolPartyContext = "p1" });
        HttpSandbox.Ok(await sandbox.Post($"/pending/{made["pendingOperationId"]}/complete", new { status = "NDIS_STATUS_SUCCESS" }));
        HttpSandbox.Ok(await sandbox.Put("/routes/47.02", new { outcome = "Busy" }));
        var before = await sandbox.StateAsync();
        var journal = await sandbox.LastSequenceAsync();

        var afs = await sandbox.Post("/client/address-families", new { addressFamily = "CO_ADDRESS_FAMILY_Q2931", clientAfContext = "two" });
        var saps = await sandbox.Post($"/client/address-families/{af}/saps", new { sap = new { sapType = "Nsap", value = "47.03" } });
        var parties = await sandbox.Post($"/client/vcs/{vc}/parties", new { protocolPartyContext = "p2" });
        var routes = await sandbox.Put("/routes/47.04", new { outcome = "Busy" });

        Assert.Equal(("V-QUOTA-03", HttpStatusCode.Conflict), ((string?)afs.Body!["rule"], afs.Status));
        Assert.Equal(("V-QUOTA-04", HttpStatusCode.Conflict), ((string?)saps.Body!["rule"], saps.Status));
        Assert.Equal(("V-QUOTA-05", HttpStatusCode.Conflict), ((string?)parties.Body!["rule"], parties.Status));
        Assert.Equal(("MaxRoutesPerSandbox", HttpStatusCode.Conflict), ((string?)routes.Body!["limit"], routes.Status));
        Assert.Equal(before, await sandbox.StateAsync());
        Assert.Equal(journal, await sandbox.LastSequenceAsync());
        HttpSandbox.Ok(await sandbox.Put("/routes/47.02", new { outcome = "OutOfOrder" }));
    }

    [Fact]
    public async Task AboveTheMemoryBudget_NewWorkAnswers503_WhileReadsAndDeletesGoOn()
    {
        // A managed heap of any test host is above 1 MiB: the budget is exceeded from the start.
        await using var app = NdisMockApplication.With(b => b.UseSetting("Limits:MemoryBudgetMiB", "1"));
        using var http = app.CreateClient();

        var create = await http.PostAsync(new Uri("/sandboxes", UriKind.Relative), Json("{}"));
        var negotiate = await http.PostAsync(new Uri("/hubs/ndis/negotiate?negotiateVersion=1", UriKind.Relative), null);
        var health = await http.GetAsync(new Uri("/health", UriKind.Relative));
        var rules = await http.GetAsync(new Uri("/rules", UriKind.Relative));

        await AssertProblemAsync(create, HttpStatusCode.ServiceUnavailable, "MemoryBudgetMiB");
        Assert.NotNull(create.Headers.RetryAfter);
        await AssertProblemAsync(negotiate, HttpStatusCode.ServiceUnavailable, "MemoryBudgetMiB");
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (health.StatusCode, rules.StatusCode));
        Assert.Equal(0, app.Services.GetRequiredService<SandboxStore>().Count);
    }

    [Fact]
    public async Task HubSubscriptions_PastTheirLimits_AreRefused_AndTheOthersGoOn()
    {
        await using var app = NdisMockApplication.With(b => b
            .UseSetting("Sandboxes:MaxSubscribersPerSandbox", "1")
            .UseSetting("Sandboxes:MaxSubscriptionsPerConnection", "1"));
        var sandbox = await app.NewSandboxAsync();
        var other = await app.NewSandboxAsync();
        await using var first = app.CreateHubConnection();
        await using var second = app.CreateHubConnection();
        var sink = new EventSink(first);
        await first.StartAsync();
        await second.StartAsync();
        await first.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), sandbox.Id, sandbox.Key, 4L);

        var secondSubscriber = await Assert.ThrowsAsync<HubException>(() => second.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), sandbox.Id, sandbox.Key, 4L));
        var secondSandbox = await Assert.ThrowsAsync<HubException>(() => first.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), other.Id, other.Key, 4L));
        await first.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), sandbox.Id, sandbox.Key, 4L);
        await sandbox.OpenAfAsync();

        Assert.Contains("Sandboxes__MaxSubscribersPerSandbox", secondSubscriber.Message, StringComparison.Ordinal);
        Assert.Contains("Sandboxes__MaxSubscriptionsPerConnection", secondSandbox.Message, StringComparison.Ordinal);
        Assert.Equal(sandbox.Id, (await sink.TakeAsync(1))[0].Event.SandboxId);
    }

    [Fact]
    public async Task HubCalls_SpendTheSandboxsAllowance_AndTheBacklogOfOneSubscribeIsBounded()
    {
        await using var app = NdisMockApplication.With(b => b
            .UseSetting("Sandboxes:RateLimitPermits", "10")
            .UseSetting("Sandboxes:RateLimitPeriod", "01:00:00")
            .UseSetting("Sandboxes:MaxReplayPerSubscribe", "16"));
        var sandbox = await app.NewSandboxAsync();
        for (var i = 0; i < 8; i++)
        {
            await sandbox.OpenAfAsync($"af-{i}");
        }

        await using var hub = app.CreateHubConnection();
        await hub.StartAsync();

        var backlog = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), sandbox.Id, sandbox.Key, 0L));
        await hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), sandbox.Id, sandbox.Key, 4L);
        var spent = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), sandbox.Id, sandbox.Key, 4L));

        Assert.Contains("Sandboxes__MaxReplayPerSubscribe", backlog.Message, StringComparison.Ordinal);
        Assert.Contains("allowance", spent.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await sandbox.Get("")).Status);
    }

    [Fact]
    public async Task HubRefusals_AreLoggedOnceAtInformation_AndNeverWithTheKey_WhateverTheArgumentOrder()
    {
        var logs = new LogCollector();
        await using var app = NdisMockApplication.With(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        var sandbox = await app.NewSandboxAsync();
        await using var hub = app.CreateHubConnection();
        await hub.StartAsync();

        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), sandbox.Key, sandbox.Id, 0L));
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.SubscribeToEvents), sandbox.Id, sandbox.Key, 0L, new[] { sandbox.Key }));
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), sandbox.Id, sandbox.Key + "x", 0L));
        await hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Unsubscribe), sandbox.Id);

        var refusals = logs.Entries.Where(e => e.Text.Contains("refused", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, refusals.Count);
        Assert.All(refusals, r => Assert.Equal(LogLevel.Information, r.Level));
        Assert.Contains(refusals, r => r.Text.Contains("UnknownSandbox", StringComparison.Ordinal) && r.Text.Contains("sandbox -", StringComparison.Ordinal));
        Assert.Empty(logs.Errors);
        Assert.DoesNotContain(logs.Entries, e => e.Text.Contains(sandbox.Key, StringComparison.Ordinal) || e.Values.Contains(sandbox.Key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASubscribeThatRacesDeleteSandbox_StillEndsWithSubscriptionEnded()
    {
        // The race made certain: the directory deletes the sandbox right after admitting the subscriber, so the removal
        // runs before the subscription exists (what ≈ 0.2 % of real races did).
        await using var app = NdisMockApplication.With(b => b.ConfigureServices(services =>
            services.Replace(ServiceDescriptor.Singleton<ISandboxDirectory>(p => new DeletingDirectory(p.GetRequiredService<SandboxStore>())))));
        var sandbox = await app.NewSandboxAsync();
        await using var hub = app.CreateHubConnection();
        var sink = new EventSink(hub);
        await hub.StartAsync();

        await hub.InvokeAsync<SubscriptionInfo>(nameof(NdisHub.Subscribe), sandbox.Id, sandbox.Key, 4L);

        var ended = await sink.EndedAsync();
        Assert.Equal((sandbox.Id, "SandboxDeleted"), (ended.SandboxId, ended.Reason));
        Assert.Equal(0, app.Services.GetRequiredService<EventFeeds>().Count);
    }

    [Fact]
    public async Task ARequestWithBothContentLengthAndTransferEncoding_CannotSmuggleASecondRequest()
    {
        await using var server = LoopbackNdisMock.Start();

        // Read by its length, the body would end before "0"; read as chunked, a second request follows it. Kestrel reads
        // it as chunked (RFC 9112 §6.3) and closes the connection after its answer, so the request after it is never served.
        var answer = await RawAsync(new Uri(server.BaseAddress), untilClosed: true, request:
            "POST /sandboxes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "2\r\n{}\r\n0\r\n\r\nGET /rules HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Single(System.Text.RegularExpressions.Regex.Matches(answer, "^HTTP/1.1 ", System.Text.RegularExpressions.RegexOptions.Multiline));
        Assert.Contains("Connection: close", answer, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnEncodedDotSegment_IsRefused_AndDoesNotReachAnotherRoute()
    {
        await using var server = LoopbackNdisMock.Start();
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseAddress) };
        var sandbox = await HttpSandbox.CreateAsync(http);

        var answer = await RawAsync(new Uri(server.BaseAddress),
            $"DELETE /sandboxes/{sandbox.Id}/routes/%2e%2e HTTP/1.1\r\nHost: x\r\nX-Sandbox-Key: {sandbox.Key}\r\nContent-Length: 0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", answer, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await sandbox.Get("")).Status);
    }

    [Fact]
    public async Task EventsAfterTheLargestSequence_AnswerEmpty_NotAnOverflowedMessage()
    {
        await using var app = new NdisMockApplication();
        var sandbox = await app.NewSandboxAsync();

        var answer = await sandbox.Get($"/events?after={long.MaxValue}");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Empty(answer.Body!["events"]!.AsArray());
    }

    [Fact]
    public async Task Readiness_TellsTheLoadOnlyToTheOperator()
    {
        await using var app = NdisMockApplication.With(b => b.UseSetting("Operator:Key", "operator-secret"));
        await app.NewSandboxAsync();
        using var http = app.CreateNdisClient();

        var anyone = await (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).Content.ReadAsStringAsync();
        using var asOperator = new HttpRequestMessage(HttpMethod.Get, new Uri("/health/ready", UriKind.Relative));
        asOperator.Headers.Add("X-Operator-Key", "operator-secret");
        var theOperator = await (await http.SendAsync(asOperator)).Content.ReadAsStringAsync();

        Assert.DoesNotContain("maxSandboxes", anyone, StringComparison.Ordinal);
        Assert.Contains("Healthy", anyone, StringComparison.Ordinal);
        Assert.Contains("\"sandboxes\":1", theOperator, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/xml")]
    [InlineData("text/plain")]
    public async Task AnUnroutedRequest_AnswersAProblem_WhateverAcceptAsks(string accept)
    {
        await using var app = new NdisMockApplication();
        using var http = app.CreateNdisClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/sandboxes//events", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Accept", accept);

        var answer = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void EveryLimit_IsDocumentedInTheReadme()
    {
        var readme = File.ReadAllText(Path.Combine(NdisMockApplication.RepositoryRoot, "README.md"));
        var settings = typeof(LimitsOptions).GetProperties().Select(p => $"{LimitsOptions.Section}__{p.Name}")
            .Concat(typeof(SandboxHostingOptions).GetProperties().Select(p => $"{SandboxHostingOptions.Section}__{p.Name}"))
            .Concat(typeof(OperatorOptions).GetProperties().Where(p => p.PropertyType != typeof(string[]) && p.Name != "Key").Select(p => $"{OperatorOptions.Section}__{p.Name}"));

        Assert.All(settings, setting => Assert.Contains($"`{setting}", readme, StringComparison.Ordinal));
    }

    private sealed class DeletingDirectory(SandboxStore store) : ISandboxDirectory
    {
        public async ValueTask<HubOpening> OpenAsync(string sandboxId, string? sandboxKey)
        {
            var opened = await store.OpenAsync(sandboxId, sandboxKey);
            store.Remove(sandboxId);
            return opened;
        }

        public bool IsHosted(string sandboxId, IJournalSource journal) => store.IsHosted(sandboxId, journal);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string limit)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(limit, (string?)body["limit"]);
    }

    /// <summary>Sends a request as written and reads the answer until the server closes or has sent the headers and a little.</summary>
    /// <summary>
    /// Sends <paramref name="request"/> as it is and reads the answer's head, or with <paramref name="untilClosed"/> all the
    /// server sends until it closes the connection (a server that keeps it open fails the patience).
    /// </summary>
    private static async Task<string> RawAsync(Uri endpoint, string request, bool untilClosed = false)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint.Host, endpoint.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None);
        using var timeout = new CancellationTokenSource(Patience);
        var answer = new StringBuilder();
        var buffer = new byte[8192];
        int read;
        while ((untilClosed || !answer.ToString().Contains("\r\n\r\n", StringComparison.Ordinal)) && (read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return answer.ToString();
    }

    /// <summary>A connection that has sent the start of a request and holds it open.</summary>
    private static async Task<Socket> HeldConnectionAsync(Uri endpoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint.Host, endpoint.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /health HTTP/1.1\r\nHost: {endpoint.Authority}\r\n"), SocketFlags.None);
        return socket;
    }

    /// <summary>A connection that was answered once and is kept alive, so the server counts it as open.</summary>
    private static async Task<Socket> KeptAliveConnectionAsync(Uri endpoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint.Host, endpoint.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /health HTTP/1.1\r\nHost: {endpoint.Authority}\r\n\r\n"), SocketFlags.None);
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Patience);
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
        return socket;
    }

    /// <summary>Bytes read before the server closes the connection (0: closed without an answer), failing after the patience.</summary>
    private static async Task<int> ReadAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var buffer = new byte[4096];
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        }
        catch (SocketException)
        {
            return 0;
        }
    }
}
