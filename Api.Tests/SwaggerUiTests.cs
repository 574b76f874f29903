using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace NdisMock.Api.Tests;

/// <summary>
/// Swagger UI in a real headless browser: Debian's chromium (installed by .ci/run), driven by Playwright. No browser is
/// downloaded; CHROMIUM_PATH overrides where it is looked for.
/// </summary>
public sealed class SwaggerUiTests : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private readonly WebApplicationFactory<Program> _app = new();
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string _baseAddress = "";

    public async Task InitializeAsync()
    {
        _app.UseKestrel(0);
        _app.StartServer();
        _baseAddress = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
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
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task SwaggerUi_RendersEveryOperation_AndTryItOutCreatesASandbox()
    {
        var page = await _browser!.NewPageAsync();

        await page.GotoAsync(_baseAddress + "/swagger");
        await page.Locator(".opblock").First.WaitForAsync(new() { Timeout = 30_000 });

        var operations = await page.Locator(".opblock").CountAsync();
        Assert.True(operations >= 45, $"only {operations} operations rendered");
        foreach (var tag in new[] { "Sandbox", "Client", "MCM", "Observation" })
        {
            Assert.Equal(1, await page.Locator($"#operations-tag-{tag}").CountAsync());
        }

        Assert.Equal(1, await page.Locator("#operations-MCM-NdisMCmCloseCallComplete").CountAsync());
        Assert.Equal(1, await page.Locator("button.authorize").CountAsync());

        var create = page.Locator("#operations-Sandbox-CreateSandbox");
        await create.Locator(".opblock-summary").ClickAsync();
        await create.GetByRole(AriaRole.Button, new() { Name = "Try it out" }).ClickAsync();
        await create.GetByRole(AriaRole.Button, new() { Name = "Execute" }).ClickAsync();
        var status = create.Locator(".live-responses-table tr.response .response-col_status").First;
        await status.WaitForAsync(new() { Timeout = 30_000 });

        Assert.Equal("201", (await status.InnerTextAsync()).Trim());
        var body = await create.Locator(".live-responses-table tr.response .response-col_description pre").First.InnerTextAsync();
        Assert.Contains("\"key\"", body, StringComparison.Ordinal);
        Assert.Contains("\"AtmOc3\"", body, StringComparison.Ordinal);
    }
}
