using System.Globalization;
using System.Xml.Linq;
using NdisMock.Domain;

namespace NdisMock.Api.Reports;

/// <summary>
/// A conformance report as JUnit XML, the format CI systems (GitHub Actions reporters, GitLab, Jenkins, Azure DevOps) show
/// as a test report: one suite per sandbox, one test case per rule of the catalogue (failed when an Error or Reject
/// violation of it was recorded, skipped when NdisMock cannot detect it, passed otherwise, warnings in its system-out) and
/// one per leaked object (failed), or a single passed case when nothing was left open.
/// </summary>
public static class JUnitXml
{
    public const string MediaType = "application/xml";
    public const string RulesClass = "NdisMock.Rules";
    public const string LeaksClass = "NdisMock.Leaks";

    /// <summary>The document as text, with its XML declaration.</summary>
    public static string Text(ConformanceReport report)
    {
        var document = From(report);
        return document.Declaration + "\n" + document.Root;
    }

    public static XDocument From(ConformanceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var cases = new List<XElement>();
        foreach (var rule in Rules.All)
        {
            var found = report.Violations.Where(v => v.Rule == rule.Id).ToList();
            var testCase = Case(RulesClass, $"{rule.Id} {rule.Summary}");
            var failing = found.Where(v => v.Fails).ToList();
            if (failing.Count > 0)
            {
                var count = failing.Sum(v => v.Count);
                testCase.Add(new XElement("failure",
                    new XAttribute("message", $"{count} violation{(count == 1 ? "" : "s")} of {rule.Id} ({string.Join(", ", failing.SelectMany(v => v.Operations).Distinct(StringComparer.Ordinal))}): {failing[0].FirstDetail}"),
                    new XAttribute("type", rule.Id),
                    Describe(rule, failing)));
            }
            else if (rule.NotDetectedBecause is { } why)
            {
                testCase.Add(new XElement("skipped", new XAttribute("message", "Not detected: " + why)));
            }

            var warnings = found.Where(v => !v.Fails).ToList();
            if (warnings.Count > 0)
            {
                testCase.Add(new XElement("system-out", "Warnings (not failed): " + Describe(rule, warnings)));
            }

            cases.Add(testCase);
        }

        foreach (var leak in report.Leaks)
        {
            var created = leak.CreatedAtSequence is { } s ? $"created at journal sequence {s}" : "created before the journal kept";
            cases.Add(Case(LeaksClass, $"{leak.Kind} {leak.Handle} left open ({leak.State}, {created})", new XElement("failure",
                new XAttribute("message", leak.Detail), new XAttribute("type", "leak." + leak.Kind), $"{leak.Detail} It is {leak.State}; {created}.")));
        }

        if (report.Leaks.Count == 0)
        {
            cases.Add(Case(LeaksClass, "No object left open"));
        }

        var tests = cases.Count;
        var failures = cases.Count(c => c.Element("failure") is not null);
        var skipped = cases.Count(c => c.Element("skipped") is not null);
        var suite = new XElement("testsuite",
            new XAttribute("name", $"NdisMock conformance of sandbox {report.SandboxId}"),
            new XAttribute("tests", tests), new XAttribute("failures", failures), new XAttribute("errors", 0), new XAttribute("skipped", skipped),
            new XAttribute("time", "0"),
            new XAttribute("timestamp", report.GeneratedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)),
            new XElement("properties",
                Property("sandboxId", report.SandboxId),
                Property("passed", report.Passed ? "true" : "false"),
                Property("failingRules", string.Join(",", report.FailingRules)),
                Property("lastSequence", report.Journal.LastSequence.ToString(CultureInfo.InvariantCulture))),
            cases);
        return new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("testsuites", new XAttribute("name", "NdisMock conformance"),
                new XAttribute("tests", tests), new XAttribute("failures", failures), new XAttribute("errors", 0), new XAttribute("skipped", skipped),
                new XAttribute("time", "0"), suite));
    }

    private static XElement Case(string className, string name, params object[] content) =>
        new("testcase", new XAttribute("classname", className), new XAttribute("name", name), new XAttribute("time", "0"), content);

    private static XElement Property(string name, string value) => new("property", new XAttribute("name", name), new XAttribute("value", value));

    private static string Describe(Rule rule, IEnumerable<RuleViolations> groups) =>
        string.Join(" ", groups.Select(g =>
            $"{g.Count} × {g.Severity} in {string.Join(", ", g.Operations)} after journal sequence{(g.JournalSequences.Count == 1 ? "" : "s")} " +
            $"{string.Join(", ", g.JournalSequences.Take(20))}{(g.JournalSequences.Count > 20 ? ", …" : "")}. First: {g.FirstDetail}"))
        + $" {rule.Reference}: {rule.ReferenceUrl}";
}
