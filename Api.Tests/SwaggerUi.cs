using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace NdisMock.Api.Tests;

/// <summary>One call made by clicking in Swagger UI: what its live-response table shows.</summary>
public sealed record UiAnswer(int Status, JsonNode? Body, string RequestUrl, string Curl);

/// <summary>
/// Swagger UI (as Swashbuckle bundles it) driven the way a person uses it: open an operation, Try it out, fill the
/// parameter boxes, pick an example, Execute, read the answer. Only what the page shows is used.
/// </summary>
public sealed partial class SwaggerUi(IPage page)
{
    private static readonly LocatorWaitForOptions Detached = new() { State = WaitForSelectorState.Detached };

    public IPage Page { get; } = page;

    /// <summary>Opens Swagger UI and waits for its operations; if they never show, the failure says what the page saw.</summary>
    public async Task GotoAsync(string baseAddress)
    {
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void OnConsole(object? sender, IConsoleMessage message)
        {
            if (message.Type is "error" or "warning")
            {
                seen.Enqueue($"console {message.Type}: {message.Text}");
            }
        }

        void OnFailed(object? sender, Microsoft.Playwright.IRequest request) => seen.Enqueue($"request failed: {request.Url} ({request.Failure})");
        void OnResponse(object? sender, IResponse response)
        {
            if (response.Status >= 400)
            {
                seen.Enqueue($"{response.Status} for {response.Url}");
            }
        }

        Page.Console += OnConsole;
        Page.RequestFailed += OnFailed;
        Page.Response += OnResponse;
        try
        {
            await Page.GotoAsync(baseAddress.TrimEnd('/') + "/swagger/index.html");
            await Page.Locator(".opblock").First.WaitForAsync(new() { Timeout = 60_000 });
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"Swagger UI showed no operation; the page saw: [{string.Join("; ", seen)}]", timeout);
        }
        finally
        {
            Page.Console -= OnConsole;
            Page.RequestFailed -= OnFailed;
            Page.Response -= OnResponse;
        }
    }

    public ILocator Operation(string tag, string operationId) => Page.Locator($"#operations-{tag}-{operationId}");

    /// <summary>Expands the operation and turns on Try it out.</summary>
    public async Task<ILocator> OpenAsync(string tag, string operationId)
    {
        var operation = Operation(tag, operationId);
        await operation.WaitForAsync();
        if (!IsOpen().IsMatch(await operation.GetAttributeAsync("class") ?? ""))
        {
            await operation.Locator(".opblock-summary-control").ClickAsync();
        }

        var tryOut = operation.Locator("button.try-out__btn");
        await tryOut.WaitForAsync();
        if (!IsCancel().IsMatch(await tryOut.GetAttributeAsync("class") ?? ""))
        {
            await tryOut.ClickAsync(); // "Try it out" turns into "Cancel"
        }

        await operation.Locator("button.execute").WaitForAsync();
        return operation;
    }

    /// <summary>Types into a parameter's box (a text input, or the list an enum parameter gets).</summary>
    public async Task FillAsync(ILocator operation, string parameter, string value)
    {
        var row = operation.Locator($"tr[data-param-name=\"{parameter}\"]");
        if (await row.Locator("select").CountAsync() > 0)
        {
            await row.Locator("select").SelectOptionAsync(value);
        }
        else
        {
            await row.Locator("input").FillAsync(value);
        }
    }

    /// <summary>Picks one of the operation's named request examples; the body box then holds it.</summary>
    public Task ChooseExampleAsync(ILocator operation, string example) =>
        operation.Locator(".opblock-section-request-body select.examples-select-element").SelectOptionAsync(example);

    /// <summary>Executes and reads the answer; a required box left empty fails here, since Swagger UI then sends nothing.</summary>
    public async Task<UiAnswer> ExecuteAsync(ILocator operation)
    {
        // A second Execute would leave the old answer showing until the new one arrives: Clear first.
        var clear = operation.Locator("button.btn-clear");
        if (await clear.CountAsync() > 0)
        {
            await clear.ClickAsync();
            await operation.Locator(".live-responses-table").WaitForAsync(Detached);
        }

        await operation.Locator("button.execute").ClickAsync();
        await operation.Locator(".opblock-body > .loading-container").WaitForAsync(Detached);
        var status = operation.Locator(".live-responses-table tbody .response-col_status");
        var invalid = operation.Locator(".validation-errors");
        await status.Or(invalid).First.WaitForAsync(new() { Timeout = 30_000 });
        Assert.True(await invalid.CountAsync() == 0, await invalid.CountAsync() > 0 ? await invalid.InnerTextAsync() : "");

        var body = operation.Locator(".live-responses-table tbody .response-col_description .highlight-code code");
        var text = await body.CountAsync() > 0 ? await body.InnerTextAsync() : "";
        return new UiAnswer(
            int.Parse(ThreeDigits().Match(await status.InnerTextAsync()).Value, System.Globalization.CultureInfo.InvariantCulture),
            text.Length > 0 ? JsonNode.Parse(text) : null,
            (await operation.Locator(".request-url pre").InnerTextAsync()).Trim(),
            await operation.Locator(".curl-command pre.curl").InnerTextAsync());
    }

    /// <summary>Authorize: enters a key for one security scheme and closes the dialog.</summary>
    public async Task AuthorizeAsync(string scheme, string key)
    {
        await Page.Locator(".auth-wrapper button.authorize").ClickAsync();
        var form = Page.Locator(".modal-ux .auth-container").Filter(new()
        {
            Has = Page.Locator("h4 code", new() { HasTextRegex = new Regex($"^{Regex.Escape(scheme)}$") }),
        });
        await form.Locator("input").FillAsync(key);
        await form.Locator("button.authorize").ClickAsync();
        await form.Locator("button", new() { HasText = "Logout" }).WaitForAsync();
        await Page.Locator(".modal-ux button.close-modal").ClickAsync();
        await Page.Locator(".modal-ux").WaitForAsync(Detached);
    }

    [GeneratedRegex(@"\bis-open\b")]
    private static partial Regex IsOpen();

    [GeneratedRegex(@"\bcancel\b")]
    private static partial Regex IsCancel();

    [GeneratedRegex(@"\d{3}")]
    private static partial Regex ThreeDigits();
}
