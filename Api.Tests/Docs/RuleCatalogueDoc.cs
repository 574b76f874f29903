using System.Text;
using NdisMock.Domain;

namespace NdisMock.Api.Tests.Docs;

/// <summary>docs/rules.md: every rule of <see cref="Rules.All"/>, with how NdisMock answers it and the WDK page it rests on.</summary>
public static class RuleCatalogueDoc
{
    public const string Path = "docs/rules.md";

    public static string Render()
    {
        var text = new StringBuilder();
        text.Append("# Rule catalogue\n\n");
        text.Append(DocsGenerator.Banner("Domain/Rules.cs"));
        text.Append("Every rule NdisMock checks. **Error**: the WDK forbids the call; NdisMock refuses it with a problem ");
        text.Append("(`application/problem+json`, `type` = `/rules/{id}`), changes nothing and records the violation. ");
        text.Append("**Reject**: real NDIS answers the call with a documented failure status; NdisMock answers the same status ");
        text.Append("(HTTP 200 with the status and the rule). **Warning**: a \"should\" of the documentation was not followed; ");
        text.Append("the call goes through and the violation is recorded.\n\n");
        text.Append("| Rule | Severity | Answer | WDK page |\n|---|---|---|---|\n");
        foreach (var rule in Rules.All)
        {
            text.Append($"| [{rule.Id}](#{Anchor(rule)}) | {rule.Severity} | {Answer(rule)} | {Page(rule)} |\n");
        }

        foreach (var rule in Rules.All)
        {
            text.Append($"\n## {rule.Id}\n\n");
            text.Append($"**{rule.Severity}** · {Answer(rule)} · {Page(rule)}\n\n");
            text.Append(rule.Summary).Append('\n');
            if (rule.Handling.Length > 0)
            {
                text.Append($"\nWhat NdisMock does, and why: {rule.Handling}\n");
            }
            if (rule.NotDetectedBecause is { } why)
            {
                text.Append($"\nNot detected: {why}\n");
            }
        }

        return text.ToString();
    }

    /// <summary>The section anchor GitHub gives the rule's heading: its id, lower-cased.</summary>
    public static string Anchor(Rule rule) => rule.Id.ToLowerInvariant();

    private static string Answer(Rule rule) => rule.Severity switch
    {
        Severity.Error => $"HTTP {Problems.StatusOf(rule.Refusal)} ({rule.Refusal})",
        Severity.Reject => $"`{rule.Result?.Name}`",
        _ => "goes through",
    };

    private static string Page(Rule rule) =>
        rule.ReferenceUrl is { } url ? $"[{rule.Reference}]({url})" : rule.Reference;
}
