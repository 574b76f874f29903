using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NdisMock.Api.Tests;

/// <summary>Runs the shipped Api/NdisMock.http from top to bottom, as a person would in an editor.</summary>
public sealed partial class HttpFileTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    [Fact]
    public async Task SeedScenario_RunsAsWritten_AndEndsWithTheCloseCallback()
    {
        using var http = app.CreateNdisClient();
        var responses = new Dictionary<string, JsonNode?>();
        var requests = Parse(await File.ReadAllTextAsync(Path.Combine(NdisMockApplication.RepositoryRoot, "Api", "NdisMock.http")));
        JsonNode? last = null;

        foreach (var request in requests)
        {
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(Substitute(request.Url, responses), UriKind.Relative));
            foreach (var (name, value) in request.Headers.Where(h => h.Name != "Content-Type"))
            {
                message.Headers.Add(name, Substitute(value, responses));
            }

            if (request.Body.Length > 0)
            {
                message.Content = new StringContent(Substitute(request.Body, responses), Encoding.UTF8, "application/json");
            }

            var response = await http.SendAsync(message);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{request.Method} {request.Url} answered {(int)response.StatusCode}: {text}");
            last = text.Length == 0 ? null : JsonNode.Parse(text);
            if (request.Name is not null)
            {
                responses[request.Name] = last;
            }
        }

        Assert.Equal(10, requests.Count);
        var names = last!["events"]!.AsArray().Select(e => (string?)e!["name"]).ToList();
        Assert.Contains("ProtocolClCloseCallComplete", names);
        Assert.Equal("ProtocolCoDeleteVc", names[^1]);
    }

    private sealed record HttpFileRequest(string? Name, string Method, string Url, List<(string Name, string Value)> Headers, string Body);

    private static List<HttpFileRequest> Parse(string text)
    {
        var blocks = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n###");
        var host = HostVariable().Match(blocks[0]).Groups[1].Value.Trim();
        var requests = new List<HttpFileRequest>();
        foreach (var block in blocks.Skip(1))
        {
            var lines = block.Split('\n').Skip(1).ToList();
            var name = lines.Select(l => NameLine().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value;
            var content = lines.SkipWhile(l => l.StartsWith('#') || string.IsNullOrWhiteSpace(l)).ToList();
            var requestLine = content[0].Split(' ', 2);
            var headers = content.Skip(1).TakeWhile(l => !string.IsNullOrWhiteSpace(l))
                .Select(l => l.Split(':', 2)).Select(p => (p[0].Trim(), p[1].Trim())).ToList();
            var body = string.Join('\n', content.Skip(1 + headers.Count)).Trim();
            requests.Add(new HttpFileRequest(name, requestLine[0], requestLine[1].Replace("{{host}}", "", StringComparison.Ordinal).Replace(host, "", StringComparison.Ordinal), headers, body));
        }

        return requests;
    }

    /// <summary>Replaces {{name.response.body.$.a.b}} with that field of a named earlier response.</summary>
    private static string Substitute(string text, Dictionary<string, JsonNode?> responses) =>
        ResponseVariable().Replace(text, m =>
        {
            var node = responses[m.Groups[1].Value];
            foreach (var part in m.Groups[2].Value.Split('.'))
            {
                node = node?[part];
            }

            return (string?)node ?? throw new InvalidOperationException($"{m.Value} has no value.");
        });

    [GeneratedRegex(@"@host\s*=\s*(\S+)")]
    private static partial Regex HostVariable();

    [GeneratedRegex(@"^#\s*@name\s+(\w+)")]
    private static partial Regex NameLine();

    [GeneratedRegex(@"\{\{(\w+)\.response\.body\.\$\.([\w.]+)\}\}")]
    private static partial Regex ResponseVariable();
}
