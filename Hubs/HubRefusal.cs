using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace NdisMock.Hubs;

/// <summary>
/// A hub call refused: the caller is told why (the message of a plain <see cref="HubException"/>, the only kind SignalR
/// passes on as it is), the log only the reason (a fixed word kept in the exception's data), so nothing the caller sent,
/// a key in any argument position least of all, reaches the log.
/// </summary>
public static class HubRefusal
{
    private const string ReasonKey = "NdisMock.Reason";

    /// <summary>A refusal for <paramref name="reason"/>: UnknownSandbox, KeyRequired, WrongKey, AllowanceSpent, BadSequence, BacklogTooLong, BadEventNames, TooManySubscriptions.</summary>
    public static HubException Create(string reason, string message)
    {
        var refusal = new HubException(message);
        refusal.Data[ReasonKey] = reason;
        return refusal;
    }

    /// <summary>The reason word of a refusal, or Refused for another hub error.</summary>
    public static string ReasonOf(HubException refusal) => refusal.Data[ReasonKey] as string ?? "Refused";
}

/// <summary>
/// Logs every hub refusal once, at Information, with the method, the reason and the sandbox id when the first argument
/// is shaped like one (never the argument otherwise, so a key sent in its place is not logged); an unexpected failure
/// is logged at Error. SignalR's own dispatcher log is silenced by the host, so nothing is logged twice.
/// </summary>
public sealed partial class RefusalLoggingHubFilter(ILogger<RefusalLoggingHubFilter> log) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(invocationContext);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(invocationContext);
        }
        catch (HubException refusal)
        {
            LogRefused(invocationContext.HubMethodName, HubRefusal.ReasonOf(refusal), SandboxIdOf(invocationContext.HubMethodArguments));
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex, invocationContext.HubMethodName, SandboxIdOf(invocationContext.HubMethodArguments));
            throw new HubException("The call failed inside NdisMock; nothing changed. The failure is logged.");
        }
    }

    /// <summary>The first argument when it has the shape of a sandbox id (sbx- and 16 hex digits), else "-".</summary>
    internal static string SandboxIdOf(IReadOnlyList<object?> arguments) =>
        arguments is [string id, ..] && SandboxIdShape().IsMatch(id) ? id : "-";

    [GeneratedRegex("^sbx-[0-9a-f]{16}$")]
    private static partial Regex SandboxIdShape();

    [LoggerMessage(LogLevel.Information, "Hub {Method} refused ({Reason}) for sandbox {SandboxId}")]
    private partial void LogRefused(string method, string reason, string sandboxId);

    [LoggerMessage(LogLevel.Error, "Hub {Method} failed for sandbox {SandboxId}")]
    private partial void LogFailed(Exception exception, string method, string sandboxId);
}
