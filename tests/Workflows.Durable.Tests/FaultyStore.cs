using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Workflows.Durable.Tests;

/// <summary>A store that fails on demand, in front of a real one: the store being down, as a worker meets it.</summary>
internal sealed class FaultyStore(IWorkflowStore inner) : IWorkflowStore
{
    /// <summary>How many calls of each kind still fail (claim, commit, record, release, renew, state).</summary>
    public ConcurrentDictionary<string, int> Faults { get; } = new();

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public Task<(RunRecord Run, bool Created)> CreateRunAsync(NewRun run, CancellationToken cancellationToken) => inner.CreateRunAsync(run, cancellationToken);

    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) => inner.GetRunAsync(runId, cancellationToken);

    public Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken) => inner.ListRunsAsync(query, cancellationToken);

    public Task<ClaimResult> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken) =>
        Fault("claim") is { } fault ? FaultOf<ClaimResult>(fault) : ClaimWithoutStateAsync(request, cancellationToken);

    /// <summary>While a state fault is pending, claims come without the run's state, so the runtime reads it (and meets the fault).</summary>
    private async Task<ClaimResult> ClaimWithoutStateAsync(ClaimRequest request, CancellationToken cancellationToken)
    {
        ClaimResult result = await inner.ClaimAsync(request, cancellationToken);
        Interlocked.Add(ref _claimed, result.Deliveries.Count);
        return Faults.GetValueOrDefault("state") > 0
            ? result with { Deliveries = [.. result.Deliveries.Select(d => d with { State = null })] }
            : result;
    }

    public Task<bool> RenewLeaseAsync(long deliveryId, string workerId, DateTimeOffset until, CancellationToken cancellationToken) =>
        Fault("renew") is { } fault ? FaultOf<bool>(fault) : inner.RenewLeaseAsync(deliveryId, workerId, until, cancellationToken);

    public Task<CommitResult> CommitAsync(DeliveryCommit commit, CancellationToken cancellationToken) =>
        Fault("commit") is { } fault ? FaultOf<CommitResult>(fault) : inner.CommitAsync(commit, cancellationToken);

    /// <summary>How many deliveries claims took, and how many commits handed over.</summary>
    public int Claimed => _claimed;

    /// <inheritdoc cref="Claimed"/>
    public int HandedOver => _handedOver;

    private int _claimed;
    private int _handedOver;

    public Task<CommitOutcome> CommitAndTakeNextAsync(DeliveryCommit commit, CancellationToken cancellationToken) =>
        Fault("commit") is { } fault ? FaultOf<CommitOutcome>(fault) : CountedCommitAsync(commit, cancellationToken);

    private async Task<CommitOutcome> CountedCommitAsync(DeliveryCommit commit, CancellationToken cancellationToken)
    {
        CommitOutcome outcome = await inner.CommitAndTakeNextAsync(commit, cancellationToken);
        if (outcome.Next is not null)
        {
            Interlocked.Increment(ref _handedOver);
        }

        return outcome;
    }

    public Task<bool> RecordResultAsync(RecordedResult result, CancellationToken cancellationToken) =>
        Fault("record") is { } fault ? FaultOf<bool>(fault) : inner.RecordResultAsync(result, cancellationToken);

    public Task ReleaseAsync(long deliveryId, string workerId, CancellationToken cancellationToken) => Fault("release") ?? inner.ReleaseAsync(deliveryId, workerId, cancellationToken);

    public Task<ExternalResult> AddExternalEventAsync(ExternalEvent ev, CancellationToken cancellationToken) => inner.AddExternalEventAsync(ev, cancellationToken);

    public Task<bool> CancelRunAsync(string runId, RunFailure reason, string requestedBy, CancellationToken cancellationToken) => inner.CancelRunAsync(runId, reason, requestedBy, cancellationToken);

    public Task<RunControlResult> ControlRunAsync(RunControlRequest request, CancellationToken cancellationToken) => inner.ControlRunAsync(request, cancellationToken);

    public Task<int> PurgeRunsAsync(PurgeQuery query, int max, CancellationToken cancellationToken) => inner.PurgeRunsAsync(query, max, cancellationToken);

    public Task<ScheduleRecord> SaveScheduleAsync(ScheduleRecord schedule, CancellationToken cancellationToken) => inner.SaveScheduleAsync(schedule, cancellationToken);

    public Task<ScheduleRecord?> GetScheduleAsync(string scheduleId, CancellationToken cancellationToken) => inner.GetScheduleAsync(scheduleId, cancellationToken);

    public Task<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(CancellationToken cancellationToken) => inner.ListSchedulesAsync(cancellationToken);

    public Task<bool> SetSchedulePausedAsync(string scheduleId, bool paused, DateTimeOffset? nextDue, CancellationToken cancellationToken) => inner.SetSchedulePausedAsync(scheduleId, paused, nextDue, cancellationToken);

    public Task<bool> DeleteScheduleAsync(string scheduleId, CancellationToken cancellationToken) => inner.DeleteScheduleAsync(scheduleId, cancellationToken);

    public Task<ScheduleFireResult> FireSchedulesAsync(ScheduleFireRequest request, IReadOnlyCollection<string> workflows, CancellationToken cancellationToken) => inner.FireSchedulesAsync(request, workflows, cancellationToken);

    public Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(string runId, long afterSequence, int max, CancellationToken cancellationToken) => inner.ReadEventsAsync(runId, afterSequence, max, cancellationToken);

    public Task<IReadOnlyDictionary<string, StoredValue>> ReadStateAsync(string runId, CancellationToken cancellationToken) =>
        Fault("state") is { } fault ? FaultOf<IReadOnlyDictionary<string, StoredValue>>(fault) : inner.ReadStateAsync(runId, cancellationToken);

    public Task<IReadOnlyList<DeliveryRecord>> ReadDeliveriesAsync(string runId, CancellationToken cancellationToken) => inner.ReadDeliveriesAsync(runId, cancellationToken);

    public Task<HumanTaskPage> ListTasksAsync(HumanTaskQuery query, CancellationToken cancellationToken) => inner.ListTasksAsync(query, cancellationToken);

    public Task<HumanTaskRecord?> GetTaskAsync(long taskId, CancellationToken cancellationToken) => inner.GetTaskAsync(taskId, cancellationToken);

    public Task<TaskChangeResult> ChangeTaskAsync(TaskChangeRequest request, CancellationToken cancellationToken) => inner.ChangeTaskAsync(request, cancellationToken);

    public Task SetRunChangeFeedAsync(bool enabled, CancellationToken cancellationToken) => inner.SetRunChangeFeedAsync(enabled, cancellationToken);

    public Task<IReadOnlyList<RunChange>> ReadRunChangesAsync(int max, CancellationToken cancellationToken) => inner.ReadRunChangesAsync(max, cancellationToken);

    public Task<int> DeleteRunChangesAsync(IReadOnlyList<long> changeIds, CancellationToken cancellationToken) => inner.DeleteRunChangesAsync(changeIds, cancellationToken);

    public Task WaitForWorkAsync(TimeSpan max, CancellationToken cancellationToken) => inner.WaitForWorkAsync(max, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private Task? Fault(string kind)
    {
        while (Faults.TryGetValue(kind, out int left) && left > 0)
        {
            if (Faults.TryUpdate(kind, left - 1, left))
            {
                return Task.FromException(new InvalidOperationException($"the store is down ({kind} refused by the test)"));
            }
        }

        return null;
    }

    private static Task<T> FaultOf<T>(Task fault) => Task.FromException<T>(fault.Exception!.InnerException!);
}

/// <summary>A logger factory that keeps every entry, with its event id and exception.</summary>
internal sealed class LogRecorder : ILoggerFactory
{
    public ConcurrentQueue<(string Category, LogLevel Level, EventId Id, string Message, Exception? Error)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Recorded(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    /// <summary>The entries of one event id.</summary>
    public IEnumerable<(string Category, LogLevel Level, EventId Id, string Message, Exception? Error)> Of(int eventId) => Entries.Where(e => e.Id.Id == eventId);

    private sealed class Recorded(LogRecorder recorder, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            recorder.Entries.Enqueue((category, logLevel, eventId, formatter(state, exception), exception));
    }
}
