namespace NdisMock.Api.Tests;

/// <summary>
/// Tests that drive a real browser run alone, after the parallel tests: a headless chromium that parses Swagger UI's
/// bundle on two cores shared with the fuzzers can miss any fixed wait, and a slow machine is not a failure of the page.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection
{
    public const string Name = "Browser";
}
