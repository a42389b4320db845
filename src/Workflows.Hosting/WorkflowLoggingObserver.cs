using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Workflows.Diagnostics;

namespace Workflows.Hosting;

/// <summary>
/// Logs run and step lifecycle events (started, completed, failed, retried, waiting for input) under
/// the "Workflows" category, with the run id, workflow and step in the log scope.
/// </summary>
internal sealed partial class WorkflowLoggingObserver(IServiceProvider services) : WorkflowObserver
{
    // Logging may be added to the container after AddWorkflows: resolve it when first needed, not at registration.
    private readonly ILogger _logger = (services.GetService(typeof(ILoggerFactory)) as ILoggerFactory ?? NullLoggerFactory.Instance).CreateLogger(WorkflowTelemetry.Name);

    public override void RunStarted(WorkflowHandler run)
    {
        using IDisposable? scope = Scope(run, step: null);
        LogRunStarted(_logger, run.WorkflowName, run.RunId);
    }

    public override void EventStreamed(WorkflowHandler run, Event ev)
    {
        if (ev is InputRequiredEvent)
        {
            using IDisposable? scope = Scope(run, step: null);
            LogWaitingForInput(_logger, run.WorkflowName, run.RunId, ev.GetType().Name);
        }
    }

    public override object? StepStarting(WorkflowHandler run, StepAttempt attempt)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            using IDisposable? scope = Scope(run, attempt.Step);
            LogStepStarted(_logger, attempt.Step, attempt.Event.GetType().Name, attempt.Attempt);
        }

        return Stopwatch.GetTimestamp();
    }

    public override void StepSucceeded(WorkflowHandler run, StepAttempt attempt, Event? output, object? state)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            string produced = output?.GetType().Name ?? "nothing";
            double elapsedMs = Stopwatch.GetElapsedTime((long)state!).TotalMilliseconds;
            using IDisposable? scope = Scope(run, attempt.Step);
            LogStepCompleted(_logger, attempt.Step, produced, elapsedMs);
        }
    }

    public override void StepFailed(WorkflowHandler run, StepAttempt attempt, Exception error, bool willRetry, object? state)
    {
        using IDisposable? scope = Scope(run, attempt.Step);
        if (willRetry)
        {
            // A retried failure is expected: its message is enough; the final failure carries the exception.
            LogStepRetried(_logger, attempt.Step, attempt.Attempt, error.GetType().Name, error.Message);
        }
        else
        {
            LogStepFailed(_logger, error, attempt.Step, attempt.Attempt);
        }
    }

    public override void RunEnded(WorkflowHandler run, WorkflowRunStatus status, Exception? error)
    {
        using IDisposable? scope = Scope(run, step: null);
        if (status == WorkflowRunStatus.Completed)
        {
            LogRunCompleted(_logger, run.WorkflowName, run.RunId);
        }
        else
        {
            LogRunFailed(_logger, error, run.WorkflowName, run.RunId, status);
        }
    }

    private IDisposable? Scope(WorkflowHandler run, string? step) =>
        _logger.BeginScope(new WorkflowLogScope(run.RunId, run.WorkflowName, step));

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Run of {Workflow} started ({RunId})")]
    private static partial void LogRunStarted(ILogger logger, string workflow, string runId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Run of {Workflow} completed ({RunId})")]
    private static partial void LogRunCompleted(ILogger logger, string workflow, string runId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Run of {Workflow} ended {Status} ({RunId})")]
    private static partial void LogRunFailed(ILogger logger, Exception? error, string workflow, string runId, WorkflowRunStatus status);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Step {Step} started on {EventType}, attempt {Attempt}")]
    private static partial void LogStepStarted(ILogger logger, string step, string eventType, int attempt);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Step {Step} produced {Output} in {ElapsedMs:0.0} ms")]
    private static partial void LogStepCompleted(ILogger logger, string step, string output, double elapsedMs);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Step {Step} failed attempt {Attempt} with {ErrorType}: {ErrorMessage}; retrying")]
    private static partial void LogStepRetried(ILogger logger, string step, int attempt, string errorType, string errorMessage);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "Step {Step} failed after {Attempt} attempt(s)")]
    private static partial void LogStepFailed(ILogger logger, Exception error, string step, int attempt);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Run of {Workflow} is waiting for input: {Prompt} ({RunId})")]
    private static partial void LogWaitingForInput(ILogger logger, string workflow, string runId, string prompt);
}
