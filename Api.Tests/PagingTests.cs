using System.Net;
using System.Text.Json.Nodes;

namespace NdisMock.Api.Tests;

/// <summary>
/// Reads that could be large are paged (issue 16, finding 5): at most <c>limit</c> items (1,000 at most), and the cursor
/// to go on with; an answer that fits one page is what it always was.
/// </summary>
public sealed class PagingTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    [Fact]
    public async Task GetSandbox_PagesItsVcs_AndAnAnswerThatFitsIsUnchanged()
    {
        var sandbox = await app.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync();
        var vcs = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            vcs.Add(await sandbox.CreateVcAsync(af, $"vc-{i}"));
        }

        var whole = await sandbox.Get("");
        var read = await ReadAllAsync(after => sandbox.Get($"?limit=2{(after is null ? "" : $"&after={after}")}"), b => b["vcs"]!, "ndisVcHandle");

        Assert.Null(whole.Body!["nextAfter"]);
        Assert.Equal(vcs, whole.Body!["vcs"]!.AsArray().Select(v => (string)v!["ndisVcHandle"]!));
        Assert.Equal(vcs, read);
    }

    [Fact]
    public async Task PendingOperations_ArePaged_InTheOrderTheyWereIssued()
    {
        var sandbox = await app.NewSandboxAsync();
        var af = await sandbox.OpenAfAsync();
        var pending = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            pending.Add((await sandbox.Post($"/client/vcs/{await sandbox.CreateVcAsync(af)}/call"))["pendingOperationId"]!);
        }

        var pages = new List<string>();
        string? after = null;
        for (var page = 0; page < 10; page++)
        {
            var answer = (await sandbox.Get($"/pending?limit=2{(after is null ? "" : $"&after={after}")}")).Body!.AsArray();
            if (answer.Count == 0)
            {
                break;
            }

            Assert.True(answer.Count <= 2);
            pages.AddRange(answer.Select(p => (string)p!["pendingOperationId"]!));
            after = pages[^1];
        }

        var snapshot = await sandbox.Get("?limit=2");

        Assert.Equal(pending, pages);
        Assert.Equal(2, snapshot.Body!["pendingOperations"]!.AsArray().Count);
        Assert.True((bool)snapshot.Body!["pendingOperationsTruncated"]!);
    }

    [Fact]
    public async Task RoutesAndViolations_ArePaged()
    {
        var sandbox = await app.NewSandboxAsync();
        foreach (var address in new[] { "47.01", "47.02", "47.03" })
        {
            HttpSandbox.Ok(await sandbox.Put($"/routes/{address}", new { outcome = "Busy" }));
        }

        for (var i = 0; i < 3; i++)
        {
            await sandbox.Post($"/pending/op-none-{i + 1}/complete", new { status = "NDIS_STATUS_SUCCESS" });
        }

        var routes = await ReadAllAsync(after => sandbox.Get($"/routes?limit=2{(after is null ? "" : $"&after={after}")}"), b => b["routes"]!, "calledAddress");
        var violations = await ReadAllAsync(after => sandbox.Get($"/violations?limit=2&after={after ?? "0"}"), b => b["violations"]!, "sequence");

        Assert.Equal(["47.01", "47.02", "47.03"], routes);
        Assert.Equal(3, violations.Count);
        Assert.Null((await sandbox.Get("/routes")).Body!["nextAfter"]);
    }

    [Theory]
    [InlineData("?limit=1001")]
    [InlineData("?limit=0")]
    [InlineData("?after=nonsense")]
    [InlineData("/pending?limit=1001")]
    [InlineData("/routes?limit=1001")]
    [InlineData("/violations?limit=1001")]
    [InlineData("/events?limit=10001")]
    public async Task APageLargerThanTheMaximum_OrABadCursor_Answers400(string query)
    {
        var sandbox = await app.NewSandboxAsync();

        var answer = await sandbox.Get(query);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
    }

    /// <summary>Reads page after page until nextAfter is absent, checking that no page is larger than 2.</summary>
    private static async Task<List<string>> ReadAllAsync(Func<string?, Task<Reply>> get, Func<JsonNode, JsonNode> items, string field)
    {
        var all = new List<string>();
        string? after = null;
        for (var page = 0; page < 10; page++)
        {
            var body = HttpSandbox.Ok(await get(after)).Body!;
            var list = items(body).AsArray();
            Assert.True(list.Count <= 2, $"a page of {list.Count}");
            all.AddRange(list.Select(i => i![field]!.ToString()));
            after = body["nextAfter"]?.ToString();
            if (after is null)
            {
                return all;
            }
        }

        throw new InvalidOperationException("more than 10 pages");
    }
}
