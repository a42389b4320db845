using Microsoft.Extensions.Logging;

namespace Workflows.Durable.Worker;

/// <summary>
/// Writes the runtime's warnings and errors to standard error, one line each, so a test whose worker
/// process misbehaves can say what the worker saw (standard output carries the worker's protocol).
/// </summary>
internal sealed class StandardErrorLogger : ILoggerFactory, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("The worker's logger writes to standard error only.");

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            string line = $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {logLevel}: {formatter(state, exception)}{(exception is null ? string.Empty : " | " + exception.GetType().Name + ": " + exception.Message)}";
            Console.Error.WriteLine(line.ReplaceLineEndings(" "));
        }
    }

    public void Dispose()
    {
    }
}
