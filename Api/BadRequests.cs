using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace NdisMock.Api;

/// <summary>
/// Turns a body or parameter the framework could not read (malformed JSON, a wrong type, an unknown enum or status
/// name, a number out of range, invalid UTF-8) into a 400 problem that says what and where.
/// </summary>
internal sealed class BadRequests(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var detail = exception.InnerException switch
        {
            JsonException json => $"{json.Message}",
            { } inner => $"{bad.Message} {inner.Message}",
            null => bad.Message,
        };
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status400BadRequest ? "The request could not be read" : "The request was refused",
                Detail = detail,
            },
        });
    }
}
