using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace NdisMock.Api.Tests;

/// <summary>Every log entry of a host, with its level, category and the text and values of its message.</summary>
public sealed class LogCollector : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Text, string Values)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Entries at Error or above.</summary>
    public IEnumerable<string> Errors => Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Level} {e.Category}: {e.Text}");

    private sealed class Logger(LogCollector collector, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            collector.Entries.Enqueue((logLevel, category, formatter(state, exception) + " " + exception, values));
        }
    }
}
