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

        // The exception handler has cleared the request's endpoint; the feature keeps the one that failed.
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? httpContext.GetEndpoint();
        var (field, message) = Explain(bad, endpoint?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.RequestType);
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
    internal static (string Field, string Message) Explain(BadHttpRequestException bad, Type? body)
    {
        if (bad.InnerException is JsonException json)
        {
            var field = json.Path is null or "$" ? "" : json.Path.StartsWith("$.", StringComparison.Ordinal) ? json.Path[2..] : json.Path.TrimStart('$');
            var message = PathSuffix().Replace(json.Message, "");
            if (ConvertedTo().Match(message) is { Success: true } converted)
            {
                // The exception may name the record that holds the field rather than the field's own type: find that by the path.
                var type = body is null ? null : TypeAt(body, field);
                message = $"{(field.Length == 0 ? "The body" : "The value")} is not {(type is null ? Describe(converted.Groups["type"].Value) : Describe(type))}.";
            }

            return (field, message);
        }

        if (Binding().Match(bad.Message) is { Success: true } binding)
        {
            return (binding.Groups["name"].Value, $"'{binding.Groups["value"].Value}' is not {Describe(binding.Groups["type"].Value)}.");
        }

        return (RequiredParameter().Match(bad.Message) is { Success: true } required ? required.Groups["name"].Value : "", bad.InnerException?.Message ?? bad.Message);
    }

    /// <summary>The type a JSON path (<c>callParameters.flags</c>, <c>events[0].name</c>) reaches from the body's type.</summary>
    private static Type? TypeAt(Type root, string path)
    {
        var type = root;
        foreach (var segment in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment;
            var indexed = segment.IndexOf('[', StringComparison.Ordinal);
            if (indexed >= 0)
            {
                name = segment[..indexed];
            }

            if (name.Length > 0)
            {
                type = (Nullable.GetUnderlyingType(type) ?? type).GetProperty(name, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase)?.PropertyType;
            }

            if (type is not null && indexed >= 0)
            {
                type = type.IsArray ? type.GetElementType() : type.GetGenericArguments().FirstOrDefault();
            }

            if (type is null)
            {
                return null;
            }
        }

        return type;
    }

    private static string Describe(Type type)
    {
        var plain = Nullable.GetUnderlyingType(type) ?? type;
        return plain.IsEnum ? $"one of {string.Join(", ", WireEnum.Names(plain))}"
            : plain != typeof(string) && plain.IsAssignableTo(typeof(System.Collections.IEnumerable)) ? "an array"
            : Describe(plain.Name);
    }

    /// <summary>A .NET type as what its JSON or query value must be.</summary>
    private static string Describe(string type)
    {
        var name = NullableOf().Match(type) is { Success: true } nullable ? nullable.Groups[1].Value : type.TrimEnd('?');
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

    [GeneratedRegex(@"Nullable(?:`1\[\[?|<)([^,\]>]+)")]
    private static partial Regex NullableOf();
}
