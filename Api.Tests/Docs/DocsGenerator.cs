namespace NdisMock.Api.Tests.Docs;

/// <summary>The pages of docs/ that are rendered from the code, and how each says so.</summary>
public static class DocsGenerator
{
    /// <summary>The command that rewrites every generated page; the drift test names it.</summary>
    public const string Command = "NDISMOCK_UPDATE_DOCS=1 dotnet test Api.Tests --filter DocsTests";

    public static string Banner(string source) =>
        $"<!-- Generated from {source} by Api.Tests/Docs; do not edit. Rewrite with: {Command} -->\n\n";
}
