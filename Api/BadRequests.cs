using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace NdisMock.Api;

/// <summary>
/// Turns a body or parameter the framework could not read (malformed JSON, a wrong type, an unknown enum or status
/// name, a number out of range, invalid UTF-8) into a 400 validation problem that says where, in JSON terms: the field's
/// JSON path in <c>errors</c>, and what it takes ("an integer from 0 to 4294967295", the allowed names), never a C# type.
/// </summary>
internal sealed partial class BadRequests(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var (field, message) = Explain(bad);
        httpContext.Response.StatusCode = bad.StatusCode;
        var details = new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = bad.StatusCode,
            Title = bad.StatusCode == StatusCodes.Status400BadRequest ? "The request could not be read" : "The request was refused",
            Detail = field.Length == 0 ? message : $"{field}: {message}",
        };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, Exception = exception, ProblemDetails = details });
    }

    /// <summary>The JSON path (or parameter name) at fault, and what was wrong with it.</summary>
    internal static (string Field, string Message) Explain(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json)
        {
            var field = json.Path is null or "$" ? "" : json.Path.StartsWith("$.", StringComparison.Ordinal) ? json.Path[2..] : json.Path.TrimStart('$');
            var message = PathSuffix().Replace(json.Message, "");
            if (ConvertedTo().Match(message) is { Success: true } converted)
            {
                message = $"{(field.Length == 0 ? "The body" : "The value")} is not {Describe(converted.Groups["type"].Value)}.";
            }

            return (field, message);
        }

        if (Binding().Match(bad.Message) is { Success: true } binding)
        {
            return (binding.Groups["name"].Value, $"'{binding.Groups["value"].Value}' is not {Describe(binding.Groups["type"].Value)}.");
        }

        return (RequiredParameter().Match(bad.Message) is { Success: true } required ? required.Groups["name"].Value : "", bad.InnerException?.Message ?? bad.Message);
    }

    /// <summary>A .NET type as what its JSON or query value must be.</summary>
    private static string Describe(string type)
    {
        var name = NullableOf().Replace(type, "$1").TrimEnd('?');
        name = name[(name.LastIndexOf('.') + 1)..];
        return name switch
        {
            "UInt32" or "uint" => "an integer from 0 to 4294967295",
            "UInt16" or "ushort" => "an integer from 0 to 65535",
            "Byte" or "byte" => "an integer from 0 to 255",
            "Int32" or "int" => "an integer from -2147483648 to 2147483647",
            "Int64" or "long" => "an integer",
            "UInt64" or "ulong" => "an integer from 0",
            "Double" or "double" or "Single" or "float" or "Decimal" or "decimal" => "a number",
            "Boolean" or "bool" => "true or false",
            "String" or "string" => "a string",
            "TimeSpan" => "a duration written [d.]hh:mm:ss[.fffffff], e.g. 00:00:02 for two seconds",
            "DateTimeOffset" or "DateTime" => "a date and time in ISO 8601, e.g. 2026-12-01T10:00:00Z",
            _ when name.StartsWith("IReadOnlyList", StringComparison.Ordinal) || name.StartsWith("List", StringComparison.Ordinal) || name.EndsWith("[]", StringComparison.Ordinal) => "an array",
            _ => "a JSON object of the documented shape",
        };
    }

    [GeneratedRegex(@"\s*Path: \S* \| LineNumber: \d+ \| BytePositionInLine: \d+\.$")]
    private static partial Regex PathSuffix();

    [GeneratedRegex(@"^The JSON value could not be converted to (?<type>[^\s]+?)\.?$")]
    private static partial Regex ConvertedTo();

    [GeneratedRegex("""Failed to bind parameter "(?<type>[^"]+) (?<name>[^" ]+)" from "(?<value>[^"]*)".""")]
    private static partial Regex Binding();

    [GeneratedRegex("""Required parameter "(?<type>[^"]+) (?<name>[^" ]+)" was not provided""")]
    private static partial Regex RequiredParameter();

    [GeneratedRegex(@"^(?:System\.)?Nullable`1\[\[([^,\]]+).*$")]
    private static partial Regex NullableOf();
}
