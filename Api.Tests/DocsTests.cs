using NdisMock.Api.Tests.Docs;

namespace NdisMock.Api.Tests;

/// <summary>
/// docs/ is rendered from the code it describes; each test fails when the committed page differs from what the code
/// gives now, and NDISMOCK_UPDATE_DOCS=1 rewrites it (see <see cref="DocsGenerator.Command"/>).
/// </summary>
public sealed partial class DocsTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    [Fact]
    public Task RuleCatalogue_IsRenderedFromRules() => Check(RuleCatalogueDoc.Path, RuleCatalogueDoc.Render());

    [Fact]
    public async Task StateMachines_AreRenderedFromTheirTransitionTables()
    {
        var page = StateMachineDoc.Render();
        await Check(StateMachineDoc.Path, page);
        await DiagramTests.AssertMermaidParsesAsync("stateDiagram", MermaidBlocks(page));
    }

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

    [Fact]
    public void EveryDocumentTheCodeCites_IsInTheRepository_WithTheSectionItNames()
    {
        var root = NdisMockApplication.RepositoryRoot;
        var missing = new List<string>();
        foreach (var file in SourceFiles(root))
        {
            var source = File.ReadAllText(file);
            var where = Path.GetRelativePath(root, file);
            if (source.Contains(OutsideDocument, StringComparison.Ordinal))
            {
                missing.Add($"{where} cites {OutsideDocument}, which is not in the repository");
            }

            foreach (System.Text.RegularExpressions.Match cite in DocCitation().Matches(source))
            {
                var page = Path.Combine(root, "docs", cite.Groups["page"].Value);
                var anchor = cite.Groups["anchor"].Value;
                if (!File.Exists(page))
                {
                    missing.Add($"{where} cites {cite.Value}: no such page");
                }
                else if (anchor.Length > 0 && !Anchors(File.ReadAllText(page)).Contains(anchor))
                {
                    missing.Add($"{where} cites {cite.Value}: the page has no such section");
                }
            }
        }

        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    /// <summary>The shared domain page beside the repository, which a reader of the code does not have (built so this file does not cite it).</summary>
    private static readonly string OutsideDocument = string.Concat("CON", "DIS.md");

    /// <summary>Every C# file of the repository, tests and tools included, but nothing built or installed.</summary>
    private static IEnumerable<string> SourceFiles(string root) =>
        Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin" or "node_modules" or "artifacts" or ".git"));

    /// <summary>The anchors a markdown page offers: GitHub's for each heading (lower-cased, spaces to dashes) and explicit ids.</summary>
    private static HashSet<string> Anchors(string page)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in page.Split('\n'))
        {
            if (line.StartsWith('#'))
            {
                var heading = System.Text.RegularExpressions.Regex.Replace(line.TrimStart('#').Trim(), "<[^>]*>", "").Trim().ToLowerInvariant();
                anchors.Add(System.Text.RegularExpressions.Regex.Replace(heading.Replace(' ', '-'), "[^a-z0-9_-]", ""));
            }

            foreach (System.Text.RegularExpressions.Match id in System.Text.RegularExpressions.Regex.Matches(line, "<a id=\"([^\"]+)\">"))
            {
                anchors.Add(id.Groups[1].Value);
            }
        }

        return anchors;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"docs/(?<page>[a-z0-9-]+\.md)(#(?<anchor>[a-z0-9_-]+))?")]
    private static partial System.Text.RegularExpressions.Regex DocCitation();

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
