using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NdisMock.Api.Sandboxes;
using NdisMock.Domain;

namespace NdisMock.Api.Tests;

/// <summary>
/// The start page and a sandbox's live page in Debian's chromium (as the Swagger UI tests run it), while the test drives the
/// sandbox over REST. Screenshots go to artifacts/screenshots (NDISMOCK_SCREENSHOTS overrides), kept by CI as artifacts.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LivePageTests : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private const string OperatorKey = "operator-secret-for-the-live-page";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private LoopbackNdisMock _ndis = null!;
    private HttpClient _http = null!;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ScreenshotFolder { get; } = Environment.GetEnvironmentVariable("NDISMOCK_SCREENSHOTS")
        ?? Path.Combine(NdisMockApplication.RepositoryRoot, "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        _ndis = LoopbackNdisMock.Start(b => b.UseSetting("Operator:Key", OperatorKey));
        _http = new HttpClient(new No5xx { InnerHandler = new HttpClientHandler() }) { BaseAddress = new Uri(_ndis.BaseAddress + "/") };
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"No browser at {chromium}: install Debian's chromium (bash .ci/run does) or set CHROMIUM_PATH.");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ChromiumArgs });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        _http.Dispose();
        await _ndis.DisposeAsync();
    }

    [Fact]
    public async Task Root_ListsWhatTheVisitorCanOpen_TheOperatorSeesEverySandbox_AndOpensOneByIdAndKey()
    {
        var one = await HttpSandbox.CreateAsync(_http);
        var two = await HttpSandbox.CreateAsync(_http);
        var page = await NewPageAsync();

        await page.GotoAsync(_ndis.BaseAddress + "/");
        var links = await page.Locator("#links a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        await page.FillAsync("#operator-key", OperatorKey);
        await page.ClickAsync("#list");
        await page.Locator($"#sandboxes tr[data-sandbox-id='{two.Id}'] td.passed").WaitForAsync(new() { Timeout = 30_000 });
        var listed = await page.Locator("#sandboxes tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.sandboxId)");
        await Screenshot(page, "start-page");
        await page.FillAsync("#sandbox-id", one.Id);
        await page.FillAsync("#sandbox-key", one.Key);
        await page.ClickAsync("#open");
        await page.Locator("#connection.connected").WaitForAsync();

        Assert.Contains("/swagger", links);
        Assert.Contains("/asyncapi.json", links);
        Assert.Contains(one.Id, listed);
        Assert.Contains(two.Id, listed);
        Assert.Equal(one.Id, await page.Locator("header #sandbox-id").InnerTextAsync());
    }

    [Fact]
    public async Task SandboxPage_ShowsACallsLifecycleLive_AndItsCompleteButtonCompletesThePendedRequest()
    {
        var sandbox = await HttpSandbox.CreateAsync(_http);
        var page = await OpenAsync(sandbox);

        var af = await sandbox.OpenAfAsync("my-af");
        var vc = await sandbox.CreateVcAsync(af, "my-vc");
        await page.Locator($"#tree li[data-handle='{vc}'][data-call-state='Idle']").WaitForAsync();
        var made = (await sandbox.Post($"/client/vcs/{vc}/call"))["pendingOperationId"]!;
        var pendingRow = page.Locator($"#pending li[data-pending-operation-id='{made}']");
        await pendingRow.WaitForAsync();
        await page.Locator("#rows g.arrow[data-name='ProtocolCmMakeCall']").WaitForAsync();
        await page.Locator($"#tree li[data-handle='{vc}'][data-call-state='MakeCallPending']").WaitForAsync();
        Assert.Equal(1, await page.Locator("#rows rect.bar[data-who='MCM']").CountAsync());
        await Screenshot(page, "sandbox-call-pending");

        // The button makes the same REST call a test would: POST …/pending/{id}/complete with the chosen status.
        await pendingRow.Locator("select").SelectOptionAsync("NDIS_STATUS_SUCCESS");
        await pendingRow.Locator("button.complete").ClickAsync();
        await pendingRow.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        var completion = page.Locator("#rows g.arrow[data-name='NdisMCmMakeCallComplete']");
        await completion.WaitForAsync();
        await page.Locator($"#tree li[data-handle='{vc}'][data-call-state='Connected']").WaitForAsync();

        Assert.Empty((await sandbox.Get("/pending")).Body!.AsArray());
        var completed = (await sandbox.EventsAsync(0)).Single(e => (string?)e!["name"] == "NdisMCmMakeCallComplete")!;
        Assert.Equal(("NDIS_STATUS_SUCCESS", made), ((string?)completed["status"], (string?)completed["pendingOperationId"]));
        Assert.Contains("closes " + made, await completion.TextContentAsync() ?? "", StringComparison.Ordinal);

        var closing = (await sandbox.Post($"/client/vcs/{vc}/call/close"))["pendingOperationId"]!;
        HttpSandbox.Ok(await sandbox.Post($"/mcm/vcs/{vc}/close-call-complete", new { status = "NDIS_STATUS_SUCCESS" }));
        HttpSandbox.Ok(await sandbox.Delete($"/client/vcs/{vc}"));
        var last = await sandbox.LastSequenceAsync();
        await page.WaitForFunctionAsync($"document.body.dataset.lastSequence >= {last}", null, new() { Timeout = 30_000 });
        await page.Locator($"#tree li[data-handle='{vc}']").WaitForAsync(new() { State = WaitForSelectorState.Detached });

        // The diagram holds one arrow per journal event, in journal order, from caller to callee.
        var arrows = await page.Locator("#rows g.arrow[data-seq]").EvaluateAllAsync<string[]>(
            "arrows => arrows.map(a => `${a.dataset.seq} ${a.dataset.name} ${a.dataset.from}->${a.dataset.to}`)");
        var journal = await sandbox.EventsAsync(0);
        Assert.Equal(journal.Select(e => $"{e!["sequence"]} {e["name"]}"), arrows.Select(a => string.Join(' ', a.Split(' ').Take(2))));
        Assert.Contains(arrows, a => a.EndsWith(" ProtocolClCloseCallComplete NDIS->Client", StringComparison.Ordinal));
        Assert.Contains("closes " + closing, await page.Locator("#rows g.arrow[data-name='NdisMCmCloseCallComplete']").TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.True(await page.EvaluateAsync<bool>("window.ndisPage.bars.length === 2 && window.ndisPage.bars.every(b => b.end !== null)"));
        await Screenshot(page, "sandbox-call-closed");
    }

    [Fact]
    public async Task SandboxPage_HighlightsAViolation_WithItsRuleAndWdkLink_RightAfterTheEventItFollows()
    {
        var sandbox = await HttpSandbox.CreateAsync(_http);
        var page = await OpenAsync(sandbox);
        var af = await sandbox.OpenAfAsync("my-af");
        var vc = await sandbox.ConnectedCallAsync(af);

        var rejected = await sandbox.Delete($"/client/vcs/{vc}");                                                 // V-VC-05: the call is active
        var refused = await sandbox.Post($"/mcm/vcs/{vc}/make-call-complete", new { status = "NDIS_STATUS_SUCCESS" });  // V-CMP-02: nothing journaled

        var note = page.Locator("#rows g.note.violation[data-rule='V-VC-05']");
        await note.WaitForAsync();
        await page.Locator("#violations li[data-rule='V-CMP-02']").WaitForAsync();
        await page.Locator("#rows g.note.violation[data-rule='V-CMP-02']").WaitForAsync();
        await page.Locator("#verdict.failed").WaitForAsync();
        var waiting = await sandbox.CreateVcAsync(af, "waiting");
        var pended = (await sandbox.Post($"/client/vcs/{waiting}/call"))["pendingOperationId"]!;
        await page.Locator($"#pending li[data-pending-operation-id='{pended}']").WaitForAsync();
        await Screenshot(page, "sandbox-violation");
        await page.SetViewportSizeAsync(1400, 900);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, "live-page.png") });

        var follows = (long)rejected.Body!["violation"]!["journalSequence"]!;
        Assert.Equal(follows.ToString(CultureInfo.InvariantCulture), await note.GetAttributeAsync("data-journal-sequence"));
        Assert.Equal($"{follows}", await note.EvaluateAsync<string>("n => n.previousElementSibling.dataset.seq"));
        Assert.Equal("https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscodeletevc", await note.Locator("a").GetAttributeAsync("href"));
        Assert.StartsWith("V-VC-05 Reject: NdisCoDeleteVc", await note.TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Equal("rgb(255, 221, 221)", await note.Locator("rect").EvaluateAsync<string>("r => getComputedStyle(r).fill"));
        Assert.Equal((long)refused.Body!["journalSequence"]!.AsValue(), follows);
        Assert.Contains("V-CMP-02", await page.Locator("#verdict").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("learn.microsoft.com", await page.Locator("#violations li[data-rule='V-CMP-02'] a").GetAttributeAsync("href") ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task SwaggerLink_OpensSwaggerUi_WithTheSandboxKeyAlreadyAuthorized()
    {
        var sandbox = await HttpSandbox.CreateAsync(_http);
        var page = await OpenAsync(sandbox);

        var swagger = await page.Context.RunAndWaitForPageAsync(() => page.ClickAsync("#swagger-link"));
        var ui = new SwaggerUi(swagger);
        await swagger.Locator(".opblock").First.WaitForAsync(new() { Timeout = 30_000 });
        var operation = await ui.OpenAsync("Sandbox", "GetSandbox");
        await ui.FillAsync(operation, "sandboxId", sandbox.Id);
        var answer = await ui.ExecuteAsync(operation);

        Assert.Equal(200, answer.Status);
        Assert.Contains("X-Sandbox-Key: " + sandbox.Key, answer.Curl, StringComparison.Ordinal);
    }

    /// <summary>
    /// A journal of 10,000 events and more: the page receives all of it (read page by page, then live), draws only the rows
    /// in view, shows a live event, and still reaches the first row. How fast it does so is not a test's business: the
    /// README's figures were measured in this browser (see its "live page" section).
    /// </summary>
    [Fact]
    public async Task TenThousandEvents_ThePageReceivesThemAll_DrawsOnlyTheRowsInView_AndGoesOnLive()
    {
        var sandbox = await HttpSandbox.CreateAsync(_http);
        var domain = _ndis.Services.GetRequiredService<SandboxStore>().Find(sandbox.Id)!.Sandbox;
        var af = domain.NdisClOpenAddressFamilyEx(CoAddressFamily.Q2931, "load").NdisAfHandle!;
        var cycles = 0;
        while (domain.LastSequence < 10_000)
        {
            var vc = domain.NdisCoCreateVc(af, $"vc-{cycles}").NdisVcHandle!;
            var made = domain.NdisClMakeCall(vc, null, null);
            domain.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success);
            var closing = domain.NdisClCloseCall(vc, null, null);
            domain.CompletePendingOperation(closing.PendingOperationId!, NdisStatuses.Success);
            domain.NdisCoDeleteVc(vc);
            cycles++;
        }

        var total = domain.LastSequence;
        var page = await NewPageAsync();
        await page.GotoAsync($"{_ndis.BaseAddress}/sandbox.html#id={sandbox.Id}&key={Uri.EscapeDataString(sandbox.Key)}");
        await page.WaitForFunctionAsync($"Number(document.body.dataset.lastSequence) >= {total}", null, new() { Timeout = 120_000, PollingInterval = 20 });
        var inDom = await page.Locator("#rows g").CountAsync();

        var next = await sandbox.CreateVcAsync(af, "live");
        await page.Locator($"#rows g.arrow[data-seq='{total + 2}']").WaitForAsync(new() { Timeout = 30_000 });
        await page.EvaluateAsync("""
            () => { const s = document.getElementById("diagram"); s.scrollTop = 0; s.dispatchEvent(new Event("scroll")); }
            """);
        await page.Locator("#rows g.arrow[data-seq='1']").WaitForAsync();
        await Screenshot(page, "sandbox-10000-events");

        Assert.True(inDom < 200, $"{inDom} groups: only the rows in view should be drawn");
        Assert.Contains(next, await page.Locator("#tree").InnerTextAsync(), StringComparison.Ordinal);
    }

    private async Task<IPage> NewPageAsync() =>
        await (await _browser!.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1800 } })).NewPageAsync();

    private async Task<IPage> OpenAsync(HttpSandbox sandbox)
    {
        var page = await NewPageAsync();
        await page.GotoAsync($"{_ndis.BaseAddress}/sandbox.html#id={sandbox.Id}&key={Uri.EscapeDataString(sandbox.Key)}");
        await page.Locator("#connection.connected").WaitForAsync(new() { Timeout = (float)Wait.TotalMilliseconds });
        return page;
    }

    private static Task Screenshot(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });
}
