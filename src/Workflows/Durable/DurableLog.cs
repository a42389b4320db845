using Microsoft.Extensions.Logging;

namespace Workflows.Durable;

/// <summary>
/// What a durable runtime logs, under the <c>Workflows.Durable</c> category: the runs its workers
/// move along, and every failure it handles (a claim, a commit, a release, a lease renewal, the
/// store being down), each with its exception. Nothing the runtime catches goes unsaid.
/// </summary>
internal static partial class DurableLog
{
    public const string Category = "Workflows.Durable";

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Run of {Workflow} started ({RunId})")]
    public static partial void RunStarted(ILogger logger, string workflow, string runId);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Run of {Workflow} completed ({RunId})")]
    public static partial void RunCompleted(ILogger logger, string workflow, string runId);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "Run of {Workflow} ended {Status} ({RunId}): {Error}")]
    public static partial void RunEnded(ILogger logger, string workflow, string runId, WorkflowRunStatus status, string? error);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Run of {Workflow} is waiting for input: {Prompt} ({RunId})")]
    public static partial void WaitingForInput(ILogger logger, string workflow, string runId, string prompt);

    [LoggerMessage(EventId = 105, Level = LogLevel.Debug, Message = "Step {Step} started on {EventType}, attempt {Attempt} (delivery {DeliveryId})")]
    public static partial void StepStarted(ILogger logger, string step, string eventType, int attempt, long deliveryId);

    [LoggerMessage(EventId = 133, Level = LogLevel.Debug, Message = "Step {Step} gathered a {EventType} of a fan-out; it runs once every branch has produced its item (delivery {DeliveryId})")]
    public static partial void Gathered(ILogger logger, string step, string eventType, long deliveryId);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "Step {Step} failed attempt {Attempt} with {ErrorType}: {ErrorMessage}; retrying at {RetryAt:o}")]
    public static partial void StepRetried(ILogger logger, string step, int attempt, string errorType, string errorMessage, DateTimeOffset retryAt);

    [LoggerMessage(EventId = 107, Level = LogLevel.Error, Message = "Step {Step} failed after {Attempt} attempt(s)")]
    public static partial void StepFailed(ILogger logger, Exception error, string step, int attempt);

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning, Message = "Step {Step} failed after {Attempt} attempt(s); its error handler {Handler} takes over")]
    public static partial void StepRecovered(ILogger logger, Exception error, string step, int attempt, string handler);

    [LoggerMessage(EventId = 109, Level = LogLevel.Information, Message = "Run of {Workflow} {Control} by {RequestedBy} ({RunId})")]
    public static partial void RunControlled(ILogger logger, string workflow, string runId, string control, string requestedBy);

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Purged {Count} finished run(s) ({Query}), asked by {RequestedBy}")]
    public static partial void RunsPurged(ILogger logger, int count, string query, string requestedBy);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "Run of {Workflow} started by a schedule ({RunId}, {Occurrence})")]
    public static partial void ScheduledRunStarted(ILogger logger, string workflow, string runId, string occurrence);

    [LoggerMessage(EventId = 132, Level = LogLevel.Warning, Message = "Starting the runs of due schedules failed; trying again in {Delay}")]
    public static partial void SchedulesFailed(ILogger logger, Exception error, TimeSpan delay);

    [LoggerMessage(EventId = 131, Level = LogLevel.Warning, Message = "Deleting runs past their retention failed; trying again in {Delay}")]
    public static partial void RetentionFailed(ILogger logger, Exception error, TimeSpan delay);

    [LoggerMessage(EventId = 120, Level = LogLevel.Warning, Message = "Claiming deliveries from the store failed; trying again in {Delay}")]
    public static partial void ClaimFailed(ILogger logger, Exception error, TimeSpan delay);

    [LoggerMessage(EventId = 121, Level = LogLevel.Warning, Message = "Committing delivery {DeliveryId} of step {Step} failed; nothing it did was recorded, and it is given back to run again")]
    public static partial void CommitFailed(ILogger logger, Exception error, long deliveryId, string step);

    [LoggerMessage(EventId = 122, Level = LogLevel.Warning, Message = "Giving back delivery {DeliveryId} failed; another worker takes it when its lease ends")]
    public static partial void ReleaseFailed(ILogger logger, Exception error, long deliveryId);

    [LoggerMessage(EventId = 123, Level = LogLevel.Warning, Message = "Renewing the lease of delivery {DeliveryId} failed; the step keeps running, and its commit says whether the lease held")]
    public static partial void LeaseRenewalFailed(ILogger logger, Exception error, long deliveryId);

    [LoggerMessage(EventId = 124, Level = LogLevel.Warning, Message = "Delivery {DeliveryId} of step {Step} lost its lease (its run ended, or another worker took it over); what it did was not recorded")]
    public static partial void LeaseLost(ILogger logger, long deliveryId, string step);

    [LoggerMessage(EventId = 125, Level = LogLevel.Debug, Message = "Delivery {DeliveryId} of step {Step} read state another delivery changed; it runs again on fresh state")]
    public static partial void StateConflict(ILogger logger, long deliveryId, string step);

    [LoggerMessage(EventId = 126, Level = LogLevel.Debug, Message = "Delivery {DeliveryId} of step {Step} was given back: the runtime is stopping")]
    public static partial void ReleasedOnStop(ILogger logger, long deliveryId, string step);

    [LoggerMessage(EventId = 129, Level = LogLevel.Warning, Message = "Loading delivery {DeliveryId} of step {Step} failed (the run's state could not be read); it is given back to run again")]
    public static partial void LoadFailed(ILogger logger, Exception error, long deliveryId, string step);

    [LoggerMessage(EventId = 128, Level = LogLevel.Warning, Message = "Ending runs past their deadline failed; trying again at the next look")]
    public static partial void DeadlinesFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 130, Level = LogLevel.Warning, Message = "Observer {Observer} threw in {Callback}; the run goes on as if it had returned")]
    public static partial void ObserverFailed(ILogger logger, Exception error, string observer, string callback);
}
