using System.Globalization;
using NdisMock.Client;

namespace NdisMock.Testing;

/// <summary>
/// One sandbox — a simulated adapter, its MCM and NDIS — with its key on every request and its callbacks already
/// followed over SignalR. <see cref="Client"/> is what a CoNDIS client driver calls, <see cref="Mcm"/> what the call
/// manager calls, <see cref="Events"/> what NDIS delivered. Disposing deletes the sandbox.
/// </summary>
public sealed class NdisSandbox : IAsyncDisposable
{
    private readonly HttpClient _http;

    private NdisSandbox(Uri url, string id, string key, EventStream events)
    {
        Id = id;
        Key = key;
        _http = new HttpClient { BaseAddress = url };
        _http.DefaultRequestHeaders.Add("X-Sandbox-Key", key);
        Api = new NdisMockClient(_http);
        Events = events;
        Client = new ClientRole(this);
        Mcm = new McmRole(this);
        Pending = new PendingRequests(this);
    }

    public string Id { get; }

    /// <summary>The sandbox's secret key (X-Sandbox-Key).</summary>
    public string Key { get; }

    /// <summary>The generated client of every operation, for what the roles below do not cover; pass <see cref="Id"/> as sandboxId.</summary>
    public NdisMockClient Api { get; }

    /// <summary>The client role: NdisCl*, NdisCo*.</summary>
    public ClientRole Client { get; }

    /// <summary>The MCM role: NdisMCm*, completing what its handlers pended and playing the network.</summary>
    public McmRole Mcm { get; }

    /// <summary>Requests a handler pended, waiting for their completion.</summary>
    public PendingRequests Pending { get; }

    /// <summary>Every journal event of the sandbox, as the hub pushes it: gap-free, in order, resumed after a reconnect.</summary>
    public EventStream Events { get; }

    internal static async Task<NdisSandbox> OpenAsync(Uri url, string id, string key, CancellationToken cancellationToken)
    {
        var events = await EventStream.OpenAsync(url, id, key, cancellationToken);
        return new NdisSandbox(url, id, key, events);
    }

    /// <summary>The whole sandbox: address families, SAPs, VCs with calls and parties, pending requests, counters.</summary>
    public async Task<SandboxResponse> GetAsync(CancellationToken cancellationToken = default) =>
        (await NdisCall.Run(() => Api.GetSandboxAsync(Id, cancellationToken: cancellationToken))).Result;

    /// <summary>Scripts an MCM handler: answer at once with a status, or pend (completing by itself after <paramref name="completeAfter"/>).</summary>
    public async Task SetBehaviorAsync(CmHandler handler, BehaviorMode mode, NdisStatusName status = NdisStatusName.NDIS_STATUS_SUCCESS, TimeSpan? completeAfter = null, CancellationToken cancellationToken = default) =>
        await NdisCall.Run(() => Api.SetBehaviorAsync(Id, handler, new SetBehaviorRequest { Mode = mode, Status = status.ToString(), CompleteAfter = Duration(completeAfter) }, cancellationToken));

    /// <summary>What the remote side does with calls to <paramref name="calledAddress"/>.</summary>
    public async Task SetRouteAsync(string calledAddress, RouteOutcome outcome, TimeSpan? answerDelay = null, CancellationToken cancellationToken = default) =>
        await NdisCall.Run(() => Api.SetRouteAsync(Id, calledAddress, new SetRouteRequest { Outcome = outcome, AnswerDelay = Duration(answerDelay) }, cancellationToken));

    /// <summary>Moves a virtual clock (a sandbox created with <see cref="SandboxClock.Virtual"/>); what falls due fires, in order.</summary>
    public async Task<ClockResponse> AdvanceClockAsync(TimeSpan by, CancellationToken cancellationToken = default) =>
        (await NdisCall.Run(() => Api.AdvanceClockAsync(Id, new AdvanceClockRequest { By = Duration(by)! }, cancellationToken))).Result;

    /// <summary>
    /// Fails when the verifier flagged anything in this sandbox, listing each finding with its rule, the function, what
    /// was wrong and the WDK page.
    /// </summary>
    public async Task AssertNoViolationsAsync(CancellationToken cancellationToken = default)
    {
        var found = (await NdisCall.Run(() => Api.GetViolationsAsync(Id, 0, cancellationToken: cancellationToken))).Result.Violations;
        if (found.Count > 0)
        {
            throw new NdisAssertionException($"Sandbox {Id} has {found.Count} violation(s):\n" + string.Join("\n", found.Select(v =>
                $"  #{v.Sequence} {v.Rule} ({v.Severity}) in {v.Operation}, after journal sequence {v.JournalSequence}: {v.Detail} — {v.Reference}{(v.ReferenceUrl is null ? "" : " " + v.ReferenceUrl)}")));
        }
    }

    /// <summary>
    /// Fails unless the sandbox's conformance report (GetReport) passes: no Error or Reject rule broken, and nothing left open
    /// that NDIS would still hold at unbind (address families, SAPs, VCs, calls, parties, pended requests). The failure lists
    /// each failing rule with its count, the function, the first detail and the WDK page, and each object left open with the
    /// journal sequence that created it. Warnings do not fail it. Call it when the code under test has torn everything down.
    /// </summary>
    public async Task<ConformanceReport> AssertConformsAsync(CancellationToken cancellationToken = default)
    {
        var report = (await NdisCall.Run(() => Api.GetReportAsync(Id, cancellationToken))).Result;
        if (!report.Passed)
        {
            var rules = report.Violations.Where(v => v.Fails).Select(v =>
                $"  {v.Rule} ({v.Severity}) ×{v.Count} in {string.Join(", ", v.Operations)}, after journal sequence {string.Join(", ", v.JournalSequences.Take(10))}: " +
                $"{v.FirstDetail} — {v.Reference}{(v.ReferenceUrl is null ? "" : " " + v.ReferenceUrl)}");
            var leaks = report.Leaks.Select(l =>
                $"  {l.Kind} {l.Handle} left open ({l.State}, created at journal sequence {(l.CreatedAtSequence?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no longer kept")}): {l.Detail}");
            throw new NdisAssertionException($"Sandbox {Id} does not conform; failing: {string.Join(", ", report.FailingRules)}.\n" + string.Join("\n", rules.Concat(leaks)));
        }

        return report;
    }

    /// <summary>
    /// The journal as a Mermaid sequence diagram (GetSequenceDiagram): events after <paramref name="after"/> up to
    /// <paramref name="until"/>, at most <paramref name="max"/>, for a failure message or a ```mermaid block of a markdown page.
    /// </summary>
    public Task<string> DiagramAsync(long after = 0, long? until = null, int max = 1000, CancellationToken cancellationToken = default) =>
        TextAsync(string.Create(CultureInfo.InvariantCulture, $"diagram?after={after}&max={max}{(until is { } u ? $"&until={u}" : "")}"), "text/vnd.mermaid", cancellationToken);

    /// <summary>The conformance report as JUnit XML (GetReport with Accept: application/xml), to save where CI collects test reports.</summary>
    public Task<string> JUnitReportAsync(CancellationToken cancellationToken = default) => TextAsync("report", "application/xml", cancellationToken);

    /// <summary>A text answer of the sandbox that the generated client would read as JSON.</summary>
    private async Task<string> TextAsync(string relative, string accept, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/sandboxes/{Uri.EscapeDataString(Id)}/{relative}", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? text
            : throw new NdisAssertionException($"GET {request.RequestUri} answered {(int)response.StatusCode}: {text}");
    }

    /// <summary>
    /// Fails unless the journal holds <paramref name="expected"/> as an ordered subsequence: each name (with its status,
    /// where one is given) after the one before, other events in between allowed. The journal is read over REST, so it
    /// holds every event up to the moment of the call. The failure shows the journal.
    /// </summary>
    public async Task AssertJournalAsync(params (EventName Name, NdisStatusName? Status)[] expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var journal = await JournalAsync();
        var next = 0;
        foreach (var e in journal)
        {
            if (next < expected.Length && e.Name == expected[next].Name && (expected[next].Status is null || e.Status == expected[next].Status))
            {
                next++;
            }
        }

        if (next < expected.Length)
        {
            throw new NdisAssertionException(
                $"The journal of sandbox {Id} lacks {expected[next].Name}{(expected[next].Status is { } s ? " " + s : "")} " +
                $"(expected step {next + 1} of {expected.Length}) after what matched. It holds:\n{EventStream.Describe(journal)}");
        }
    }

    /// <summary>The whole journal as the sandbox keeps it now, oldest first.</summary>
    public async Task<IReadOnlyList<NdisEventMessage>> JournalAsync(CancellationToken cancellationToken = default)
    {
        var events = new List<NdisEventMessage>();
        for (long after = 0; ;)
        {
            var page = (await NdisCall.Run(() => Api.GetEventsAsync(Id, after, limit: 10_000, cancellationToken: cancellationToken))).Result;
            events.AddRange(page.Events);
            if (page.NextAfter >= page.LastSequence || page.Events.Count == 0)
            {
                return events;
            }

            after = page.NextAfter;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Events.DisposeAsync();
        try
        {
            await Api.DeleteSandboxAsync(Id);
        }
        catch (ApiException)
        {
            // Already gone (deleted by the test, or expired): nothing to clean up.
        }

        _http.Dispose();
    }

    internal static string? Duration(TimeSpan? value) => value?.ToString("c", CultureInfo.InvariantCulture);
}

/// <summary>A failed NdisMock assertion; test frameworks report it as a failure with its message.</summary>
public sealed class NdisAssertionException(string message) : Exception(message);

/// <summary>Requests a handler pended: complete them the generic way, or wait until one is pended.</summary>
public sealed class PendingRequests
{
    private readonly NdisSandbox _sandbox;

    internal PendingRequests(NdisSandbox sandbox) => _sandbox = sandbox;

    /// <summary>Completes whatever is pending under <paramref name="pendingOperationId"/>, with the handles it was pended with.</summary>
    public Task<NdisAnswer> CompleteAsync(string pendingOperationId, NdisStatusName status = NdisStatusName.NDIS_STATUS_SUCCESS, CallParametersRequest? callParameters = null, CancellationToken cancellationToken = default) =>
        NdisCall.Answer(() => _sandbox.Api.CompletePendingOperationAsync(_sandbox.Id, pendingOperationId, new StatusWithParametersRequest { Status = status.ToString(), CallParameters = callParameters }, cancellationToken));

    /// <summary>Every pending request, read page by page (ListPendingOperations answers at most 1,000 at a time).</summary>
    public async Task<IReadOnlyList<PendingOperationResponse>> ListAsync(CancellationToken cancellationToken = default)
    {
        var all = new List<PendingOperationResponse>();
        string? after = null;
        while (true)
        {
            var page = (await NdisCall.Run(() => _sandbox.Api.ListPendingOperationsAsync(_sandbox.Id, after, cancellationToken: cancellationToken))).Result;
            all.AddRange(page);
            if (page.Count < 1000)
            {
                return all;
            }

            after = page.Last().PendingOperationId;
        }
    }

    /// <summary>
    /// Waits until <paramref name="handler"/> (ProtocolCmMakeCall, ProtocolClIncomingCall, …) answers NDIS_STATUS_PENDING
    /// — optionally for one VC — and gives the pending operation's id. A timeout fails with the events that did arrive.
    /// </summary>
    public async Task<string> WaitForAsync(EventName handler, string? ndisVcHandle = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var pended = await _sandbox.Events.WaitForAsync<NdisEvent>(
            e => e.Name == handler && e.Status == NdisStatusName.NDIS_STATUS_PENDING && e.PendingOperationId is not null && (ndisVcHandle is null || e.NdisVcHandle == ndisVcHandle),
            timeout, cancellationToken);
        return pended.PendingOperationId!;
    }
}
