using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace NdisMock.Api.Tests;

/// <summary>The one test host: every seam the HTTP tests need lives here.</summary>
public sealed class NdisMockApplication : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseEnvironment("Testing");

    /// <summary>An HTTP client of the test server that fails the test on any 5xx.</summary>
    public HttpClient CreateNdisClient() => CreateDefaultClient(new No5xx());

    /// <summary>A fresh sandbox, so that no test sees another's leftovers.</summary>
    public Task<SandboxApi> NewSandboxAsync(object? options = null) => SandboxApi.CreateAsync(CreateNdisClient(), options);

    /// <summary>The repository root, found from the test binaries by the solution file.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "NdisMock.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("NdisMock.sln not found above the test binaries.");
        }
    }
}
