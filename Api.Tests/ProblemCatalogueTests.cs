using System.Text.RegularExpressions;

namespace NdisMock.Api.Tests;

/// <summary>Every problem that is not a verifier refusal comes from the one catalogue, so its wording is said once.</summary>
public sealed partial class ProblemCatalogueTests
{
    [Fact]
    public void NoHandlerOrMiddleware_BuildsItsOwnProblem()
    {
        var api = Path.Combine(NdisMockApplication.RepositoryRoot, "Api");
        var builders = Directory.EnumerateFiles(api, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => Path.GetFileName(f) is not ("ProblemCatalogue.cs" or "Problems.cs"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetFileName(f), Line: i + 1, Text: line)))
            .Where(l => InlineProblem().IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}")
            .ToList();

        Assert.True(builders.Count == 0, "Problems built outside ProblemCatalogue: " + string.Join(", ", builders));
    }

    [GeneratedRegex(@"TypedResults\.Problem\(|Results\.Problem\(|Problems\.Plain\(|new ProblemDetails\b")]
    private static partial Regex InlineProblem();
}
