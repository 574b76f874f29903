using NdisMock.Client;

namespace NdisMock.Testing;

/// <summary>
/// What a legal NDIS call answered: the HTTP status says whether it completed (200, 201) or pended (202), the NDIS status
/// what NDIS or the MCM answered, and the handles it created.
/// </summary>
public sealed record NdisAnswer(int HttpStatus, OperationResponse Response)
{
    public NdisStatusName Status => Response.Status;

    /// <summary>True when a handler answered NDIS_STATUS_PENDING; <see cref="PendingOperationId"/> names the request.</summary>
    public bool Pended => HttpStatus == 202;

    public string? PendingOperationId => Response.PendingOperationId;

    public string? NdisAfHandle => Response.NdisAfHandle;

    public string? NdisSapHandle => Response.NdisSapHandle;

    public string? NdisVcHandle => Response.NdisVcHandle;

    public string? NdisPartyHandle => Response.NdisPartyHandle;

    public override string ToString() => $"{HttpStatus} {Status}{(PendingOperationId is null ? "" : " " + PendingOperationId)}";
}

/// <summary>
/// A call NdisMock refused: the WDK forbids it (409/400/404/410, with the rule and its WDK page), or the request itself was
/// wrong (a bad key, an unreadable body). Nothing in the sandbox changed.
/// </summary>
public sealed class NdisRefusalException(int httpStatus, string? rule, string? title, string? detail, Uri? referenceUrl, string? body, Exception inner)
    : Exception(Describe(httpStatus, rule, title, detail, referenceUrl), inner)
{
    public int HttpStatus { get; } = httpStatus;

    /// <summary>The verifier's rule (V-CMP-02, …), when the refusal names one.</summary>
    public string? Rule { get; } = rule;

    public string? Detail { get; } = detail;

    /// <summary>The WDK page the rule rests on.</summary>
    public Uri? ReferenceUrl { get; } = referenceUrl;

    /// <summary>The problem document as answered.</summary>
    public string? Body { get; } = body;

    private static string Describe(int status, string? rule, string? title, string? detail, Uri? url) =>
        $"NdisMock refused the call ({status}{(rule is null ? "" : ", " + rule)}): {title}. {detail}{(url is null ? "" : " See " + url)}";
}

internal static class NdisCall
{
    /// <summary>Runs one generated-client call, turning its exceptions into <see cref="NdisRefusalException"/>.</summary>
    public static async Task<T> Run<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ApiException<ProblemDetails> problem)
        {
            var p = problem.Result;
            throw new NdisRefusalException(problem.StatusCode, p.Rule, p.Title, p.Detail, p.ReferenceUrl, problem.Response, problem);
        }
        catch (ApiException<HttpValidationProblemDetails> invalid)
        {
            var errors = string.Join("; ", invalid.Result.Errors?.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}") ?? []);
            throw new NdisRefusalException(invalid.StatusCode, null, invalid.Result.Title, errors.Length > 0 ? errors : invalid.Result.Detail, null, invalid.Response, invalid);
        }
        catch (ApiException other)
        {
            throw new NdisRefusalException(other.StatusCode, null, "HTTP " + other.StatusCode, other.Response, null, other.Response, other);
        }
    }

    public static async Task<NdisAnswer> Answer(Func<Task<SwaggerResponse<OperationResponse>>> call)
    {
        var answered = await Run(call);
        return new NdisAnswer(answered.StatusCode, answered.Result);
    }
}
