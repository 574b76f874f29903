using Microsoft.Playwright;

namespace NdisMock.Api.Tests;

/// <summary>
/// Swagger UI in a real headless browser: Debian's chromium (installed by .ci/run), driven by Playwright. No browser is
/// downloaded; CHROMIUM_PATH overrides where it is looked for.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SwaggerUiTests : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private const string OperatorKey = "operator-secret-for-the-ui";

    private LoopbackNdisMock _ndis = null!;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string _baseAddress = "";

    public async Task InitializeAsync()
    {
        _ndis = LoopbackNdisMock.Start(b => b.UseSetting("Operator:Key", OperatorKey));
        _baseAddress = _ndis.BaseAddress;
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"No browser at {chromium}: install Debian's chromium (bash .ci/run does) or set CHROMIUM_PATH.");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ChromiumArgs });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await _ndis.DisposeAsync();
    }

    [Fact]
    public async Task SwaggerUi_RendersEveryOperationInFlowOrder_WithTagDescriptionsAndWdkLinks()
    {
        var ui = new SwaggerUi(await _browser!.NewPageAsync());
        await ui.GotoAsync(_baseAddress);

        Assert.True(await ui.Page.Locator(".opblock").CountAsync() >= 45);
        Assert.Equal(["Sandbox", "Client", "MCM", "Observation"], await ui.Page.Locator("h3.opblock-tag").EvaluateAllAsync<string[]>("tags => tags.map(t => t.dataset.tag)"));
        Assert.Contains("Start here", await ui.Page.Locator("#operations-tag-Sandbox").InnerTextAsync(), StringComparison.Ordinal);
        var client = await ui.Page.Locator("#operations-tag-Client").Locator("xpath=..").Locator(".opblock").EvaluateAllAsync<string[]>("ops => ops.map(o => o.id)");
        Assert.Equal("operations-Client-NdisClOpenAddressFamilyEx", client[0]);
        Assert.Equal("operations-Client-NdisClCloseAddressFamily", client[^1]);

        var makeCall = await ui.OpenAsync("Client", "NdisClMakeCall");
        Assert.Equal("https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisclmakecall",
            await makeCall.Locator(".opblock-external-docs__link").GetAttributeAsync("href"));
    }

    [Fact]
    public async Task SeedFlow_ByTryItOutAlone_FromCreateSandboxToProtocolClCloseCallComplete()
    {
        var ui = new SwaggerUi(await _browser!.NewPageAsync());
        await ui.GotoAsync(_baseAddress);

        var created = await Step(ui, "Sandbox", "CreateSandbox", 201, example: "atm");
        var id = (string)created.Body!["id"]!;
        await ui.AuthorizeAsync("SandboxKey", (string)created.Body!["key"]!);

        var af = await Step(ui, "Client", "NdisClOpenAddressFamilyEx", 201, ("sandboxId", id));
        Assert.Contains("CO_ADDRESS_FAMILY_Q2931", af.Curl, StringComparison.Ordinal);
        var vc = await Step(ui, "Client", "NdisCoCreateVc", 201, ("sandboxId", id), ("ndisAfHandle", (string)af.Body!["ndisAfHandle"]!));
        var handle = (string)vc.Body!["ndisVcHandle"]!;
        var made = await Step(ui, "Client", "NdisClMakeCall", 202, ("sandboxId", id), ("ndisVcHandle", handle));
        Assert.Equal("NDIS_STATUS_PENDING", (string?)made.Body!["status"]);
        await Step(ui, "MCM", "CompletePendingOperation", 200, ("sandboxId", id), ("pendingOperationId", (string)made.Body!["pendingOperationId"]!));
        await Step(ui, "Client", "NdisClCloseCall", 202, ("sandboxId", id), ("ndisVcHandle", handle));
        await Step(ui, "MCM", "NdisMCmCloseCallComplete", 200, ("sandboxId", id), ("ndisVcHandle", handle));
        var deleted = await Step(ui, "Client", "NdisCoDeleteVc", 200, ("sandboxId", id), ("ndisVcHandle", handle));
        Assert.Equal("NDIS_STATUS_SUCCESS", (string?)deleted.Body!["status"]);

        var events = await Step(ui, "Observation", "GetEvents", 200, ("sandboxId", id), ("name", "ProtocolClCloseCallComplete"));
        Assert.True(events.Body!["events"]!.AsArray().Count == 1, $"{events.RequestUrl}: {events.Body}");
        var closed = events.Body!["events"]![0];
        Assert.Equal("NDIS_STATUS_SUCCESS", (string?)closed!["status"]);
    }

    [Fact]
    public async Task OperatorKey_IsUsableFromAuthorize_AndAReloadKeepsIt()
    {
        var ui = new SwaggerUi(await _browser!.NewPageAsync());
        await ui.GotoAsync(_baseAddress);
        var created = await Step(ui, "Sandbox", "CreateSandbox", 201);

        await ui.AuthorizeAsync("OperatorKey", OperatorKey);
        var listed = await Step(ui, "Sandbox", "ListSandboxes", 200);
        Assert.Contains(listed.Body!["sandboxes"]!.AsArray(), s => (string?)s!["id"] == (string?)created.Body!["id"]);

        await ui.GotoAsync(_baseAddress); // a reload
        var again = await Step(ui, "Sandbox", "ListSandboxes", 200);
        Assert.Contains("X-Operator-Key: " + OperatorKey, again.Curl, StringComparison.Ordinal);
    }

    /// <summary>One step of a walk: open, fill the boxes, optionally pick an example, execute; no placeholder may be left in the URL.</summary>
    private static async Task<UiAnswer> Step(SwaggerUi ui, string tag, string operationId, int expected, params (string Name, string Value)[] parameters) =>
        await Step(ui, tag, operationId, expected, null, parameters);

    private static async Task<UiAnswer> Step(SwaggerUi ui, string tag, string operationId, int expected, string? example, params (string Name, string Value)[] parameters)
    {
        var operation = await ui.OpenAsync(tag, operationId);
        foreach (var (name, value) in parameters)
        {
            await ui.FillAsync(operation, name, value);
        }

        if (example is not null)
        {
            await ui.ChooseExampleAsync(operation, example);
        }

        var answer = await ui.ExecuteAsync(operation);
        Assert.DoesNotContain("{", answer.RequestUrl, StringComparison.Ordinal);
        Assert.True(answer.Status == expected, $"{operationId} answered {answer.Status} at {answer.RequestUrl}: {answer.Body}");
        return answer;
    }
}
