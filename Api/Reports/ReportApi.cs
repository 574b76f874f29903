using System.Text.Json.Nodes;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using NdisMock.Api.Sandboxes;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace NdisMock.Api.Reports;

/// <summary><c>GetReport</c>: the verdict on a sandbox, in JSON or, for CI systems, as JUnit XML.</summary>
internal static class ReportApi
{
    public const string OperationId = "GetReport";

    public static IEndpointRouteBuilder MapReport(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/sandboxes/{sandboxId}").RequireSandboxKey().WithTags("Observation")
            .MapGet("/report", GetReport)
            .AllowOperator()
            .WithName(OperationId)
            .WithSummary("The verdict on what the code under test did here: rules broken, objects left open, pass or fail.")
            .WithDescription(
                "Violations grouped by rule and severity with counts, the WDK page and the journal sequences they follow; the objects NDIS " +
                "would still hold at unbind (open address families, registered SAPs, undeleted VCs, calls not closed, parties, pended " +
                "requests never completed) with the journal sequence that created each; how often each function, handler and callback " +
                "ran, by status; and passed, false when any Error or Reject rule was broken (failingRules names them) or anything was left " +
                "open (\"leaks\"). Warnings are told, not failed. With Accept: application/xml the same report is JUnit XML, one test " +
                "case per rule of the catalogue and one per leaked object, for a CI system's test report.")
            .Produces<ConformanceReport>(StatusCodes.Status200OK, "application/json", JUnitXml.MediaType);
        return app;
    }

    private static Results<Ok<ConformanceReport>, ContentHttpResult> GetReport([AsParameters] SandboxScope scope)
    {
        var sandbox = scope.Sandbox;
        var report = ConformanceReports.Build(scope.SandboxId, sandbox.GetSnapshot(), sandbox.GetEvents(0), sandbox.GetViolations());
        return WantsXml(scope.Http.Request)
            ? TypedResults.Text(JUnitXml.Text(report), JUnitXml.MediaType + "; charset=utf-8")
            : TypedResults.Ok(report);
    }

    /// <summary>XML when the Accept header prefers application/xml (or text/xml) to JSON; JSON otherwise.</summary>
    private static bool WantsXml(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted))
        {
            return false;
        }

        var xml = accepted.Where(a => a.MediaType.Equals(JUnitXml.MediaType, StringComparison.OrdinalIgnoreCase) || a.MediaType.Equals("text/xml", StringComparison.OrdinalIgnoreCase))
            .Select(a => a.Quality ?? 1).DefaultIfEmpty(-1).Max();
        var json = accepted.Where(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            .Select(a => a.Quality ?? 1).DefaultIfEmpty(-1).Max();
        return xml > 0 && xml > json;
    }
}

/// <summary>In the document, GetReport's XML answer is a string of JUnit XML, with an example, not the JSON schema.</summary>
internal sealed class ReportXmlFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.OperationId != ReportApi.OperationId || operation.Responses?.TryGetValue("200", out var ok) != true || ok is not OpenApiResponse response
            || response.Content is null)
        {
            return;
        }

        response.Description = "The report: JSON by default, JUnit XML with Accept: application/xml.";
        response.Content[JUnitXml.MediaType] = new OpenApiMediaType
        {
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "JUnit XML: testsuites > testsuite > testcase (classname NdisMock.Rules or NdisMock.Leaks), failure or skipped." },
            Example = JsonValue.Create(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<testsuites name=\"NdisMock conformance\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0\">" +
                "<testsuite name=\"NdisMock conformance of sandbox sbx-3f9c2a71d04e8b65\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0\" timestamp=\"2026-01-01T00:00:00\">" +
                "<testcase classname=\"NdisMock.Rules\" name=\"V-CMP-01 …\" time=\"0\" />" +
                "<testcase classname=\"NdisMock.Leaks\" name=\"Vc vc-k3x9-4 left open (Idle, created at journal sequence 9)\" time=\"0\"><failure message=\"…\" type=\"leak.Vc\">…</failure></testcase>" +
                "</testsuite></testsuites>"),
        };
    }
}
