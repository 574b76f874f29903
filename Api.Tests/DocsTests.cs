using NdisMock.Api.Tests.Docs;

namespace NdisMock.Api.Tests;

/// <summary>
/// docs/ is rendered from the code it describes; each test fails when the committed page differs from what the code
/// gives now, and NDISMOCK_UPDATE_DOCS=1 rewrites it (see <see cref="DocsGenerator.Command"/>).
/// </summary>
public sealed class DocsTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    [Fact]
    public Task RuleCatalogue_IsRenderedFromRules() => Check(RuleCatalogueDoc.Path, RuleCatalogueDoc.Render());

    [Fact]
    public async Task Flows_AreDrawnFromTheScenariosJournals()
    {
        var page = await FlowsDoc.RenderAsync(app);
        await Check(FlowsDoc.Path, page);
        await DiagramTests.AssertMermaidParsesAsync(MermaidBlocks(page));
    }

    /// <summary>The text of each ```mermaid block of a page, so Mermaid's own parser can read what GitHub will render.</summary>
    internal static string[] MermaidBlocks(string page) =>
        page.Split("```mermaid\n").Skip(1).Select(block => block[..block.IndexOf("```", StringComparison.Ordinal)]).ToArray();

    private static async Task Check(string relativePath, string expected)
    {
        var path = Path.Combine(NdisMockApplication.RepositoryRoot, relativePath);
        if (Environment.GetEnvironmentVariable("NDISMOCK_UPDATE_DOCS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, expected);
        }

        Assert.True(File.Exists(path) && await File.ReadAllTextAsync(path) == expected,
            $"{relativePath} is not what the code renders; rewrite it with {DocsGenerator.Command}.");
    }
}
