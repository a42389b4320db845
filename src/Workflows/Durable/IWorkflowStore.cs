namespace Workflows.Durable;

/// <summary>
/// Where durable runs live: an append-only journal of events, the deliveries of events to steps,
/// run state and status. Every change a delivery makes is one transaction
/// (<see cref="CommitAsync"/>). Implemented by <c>Workflows.Sqlite</c> and <c>Workflows.Postgres</c>.
/// </summary>
public interface IWorkflowStore : IAsyncDisposable
{
    /// <summary>Creates the schema in an empty store, or checks an existing one. A store that is not
    /// a Workflows store, or is damaged, throws <see cref="WorkflowStoreException"/> and is left untouched.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Stores a new run with its StartEvent; with an idempotency key already used by the same workflow, returns that run instead.</summary>
    /// <param name="run">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The run, and whether it was created now.</returns>
    Task<(RunRecord Run, bool Created)> CreateRunAsync(NewRun run, CancellationToken cancellationToken);

    /// <summary>A run by id.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The run, or <see langword="null"/>.</returns>
    Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Runs matching a query, newest first.</summary>
    /// <param name="query">The query.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A page.</returns>
    Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken);

    /// <summary>Claims a due pending delivery (or one whose lease expired) of a run this worker can run.</summary>
    /// <param name="request">Who asks, for what.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The claim, or when to look again.</returns>
    Task<ClaimResult> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken);

    /// <summary>Extends a lease; <see langword="false"/> when the worker no longer holds the delivery (its run ended, or it was taken over).</summary>
    /// <param name="deliveryId">The delivery.</param>
    /// <param name="workerId">The worker.</param>
    /// <param name="until">The new end of the lease.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the lease was extended.</returns>
    Task<bool> RenewLeaseAsync(long deliveryId, string workerId, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Records a delivery's outcome, its events, deliveries and state changes, and the run's new status, atomically.</summary>
    /// <param name="commit">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it was recorded.</returns>
    Task<CommitResult> CommitAsync(DeliveryCommit commit, CancellationToken cancellationToken);

    /// <summary>
    /// Records a delivery as <see cref="CommitAsync"/> does and, when <see cref="DeliveryCommit.NextLease"/>
    /// is set, hands the run's next delivery to the committing worker in the same transaction (see there
    /// for when). A store that cannot hands nothing over: the next delivery is then claimed as any other.
    /// </summary>
    /// <param name="commit">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it was recorded, and the delivery handed over, if any (its state not read: <see cref="ClaimedDelivery.State"/> is <see langword="null"/>).</returns>
    async Task<CommitOutcome> CommitAndTakeNextAsync(DeliveryCommit commit, CancellationToken cancellationToken) =>
        new(await CommitAsync(commit, cancellationToken).ConfigureAwait(false), null);

    /// <summary>
    /// Records a result of <c>ctx.OnceAsync</c> for a delivery the worker still holds, with a journal
    /// entry (<see cref="EventRecordKind.Recorded"/>), at once and durably, while its step goes on running;
    /// <see langword="false"/> when the worker no longer holds the delivery (nothing is recorded).
    /// </summary>
    /// <param name="result">The result.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it was recorded.</returns>
    Task<bool> RecordResultAsync(RecordedResult result, CancellationToken cancellationToken);

    /// <summary>Gives a claimed delivery back, to be claimed again at once (no attempt counted).</summary>
    /// <param name="deliveryId">The delivery.</param>
    /// <param name="workerId">The worker.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task ReleaseAsync(long deliveryId, string workerId, CancellationToken cancellationToken);

    /// <summary>Records an event sent from outside: to the oldest step waiting for its type, else to the given deliveries.</summary>
    /// <param name="ev">The event.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What became of it.</returns>
    Task<ExternalResult> AddExternalEventAsync(ExternalEvent ev, CancellationToken cancellationToken);

    /// <summary>Ends a run that has not ended as cancelled, and its pending deliveries with it; journals who asked.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="reason">Why: recorded as the run's error and failure.</param>
    /// <param name="requestedBy">Who or what asked: recorded in the run's journal.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it had not ended.</returns>
    Task<bool> CancelRunAsync(string runId, RunFailure reason, string requestedBy, CancellationToken cancellationToken);

    /// <summary>
    /// Suspends, resumes or retries a run, and journals who asked, in one transaction; refused (and
    /// nothing changed) when the run's status does not allow it.
    /// </summary>
    /// <param name="request">Which run, what to do, who asks.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it was applied, and the run.</returns>
    Task<RunControlResult> ControlRunAsync(RunControlRequest request, CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="max"/> finished runs matching the query (their journal, deliveries, state and tags), oldest ended first, in one transaction.</summary>
    /// <param name="query">Which runs.</param>
    /// <param name="max">How many at most.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many were deleted: fewer than <paramref name="max"/> when no more match.</returns>
    Task<int> PurgeRunsAsync(PurgeQuery query, int max, CancellationToken cancellationToken);

    /// <summary>A run's journal after a position, in order.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="afterSequence">The last position already read (0 for all).</param>
    /// <param name="max">How many at most.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The events.</returns>
    Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(string runId, long afterSequence, int max, CancellationToken cancellationToken);

    /// <summary>A run's state, by key.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The values.</returns>
    Task<IReadOnlyDictionary<string, StoredValue>> ReadStateAsync(string runId, CancellationToken cancellationToken);

    /// <summary>A run's deliveries, oldest first.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The deliveries.</returns>
    Task<IReadOnlyList<DeliveryRecord>> ReadDeliveriesAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Tasks (questions runs asked of people) matching a query, in its order.</summary>
    /// <param name="query">Which tasks.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A page of them and how many match.</returns>
    Task<HumanTaskPage> ListTasksAsync(HumanTaskQuery query, CancellationToken cancellationToken);

    /// <summary>A task by id.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task, or <see langword="null"/>.</returns>
    Task<HumanTaskRecord?> GetTaskAsync(long taskId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims, releases, delegates or reassigns a task, if the actor may (<see cref="HumanTaskRecord.Refusal"/>,
    /// decided in the transaction that makes the change), journaling it in the task's run.
    /// </summary>
    /// <param name="request">The change.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task after the change, or why nothing changed.</returns>
    Task<TaskChangeResult> ChangeTaskAsync(TaskChangeRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Switches the run-change feed on or off for every process sharing the store. While it is on,
    /// every change of a run's status is recorded as a <see cref="RunChange"/> in the transaction
    /// that makes it, so a module that publishes changes (webhooks) never misses one; while it is off,
    /// nothing is recorded. A module switches it on when it is registered; it stays off otherwise.
    /// </summary>
    /// <param name="enabled">Whether to record changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task SetRunChangeFeedAsync(bool enabled, CancellationToken cancellationToken);

    /// <summary>The oldest run changes of the feed, not yet taken off it.</summary>
    /// <param name="max">How many at most.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The changes, oldest first.</returns>
    Task<IReadOnlyList<RunChange>> ReadRunChangesAsync(int max, CancellationToken cancellationToken);

    /// <summary>Takes changes off the feed once they are handled.</summary>
    /// <param name="changeIds">The changes' ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many were still there (fewer when another consumer took some first).</returns>
    Task<int> DeleteRunChangesAsync(IReadOnlyList<long> changeIds, CancellationToken cancellationToken);

    /// <summary>Makes a schedule, or replaces the spec and start event of the one with its id.</summary>
    /// <param name="schedule">The schedule.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedule as stored.</returns>
    Task<ScheduleRecord> SaveScheduleAsync(ScheduleRecord schedule, CancellationToken cancellationToken);

    /// <summary>A schedule by id.</summary>
    /// <param name="scheduleId">Its id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedule, or <see langword="null"/>.</returns>
    Task<ScheduleRecord?> GetScheduleAsync(string scheduleId, CancellationToken cancellationToken);

    /// <summary>Every schedule, by id.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedules.</returns>
    Task<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(CancellationToken cancellationToken);

    /// <summary>Pauses or resumes a schedule.</summary>
    /// <param name="scheduleId">Its id.</param>
    /// <param name="paused">Whether it is paused now.</param>
    /// <param name="nextDue">When resuming: its next occurrence.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the schedule exists.</returns>
    Task<bool> SetSchedulePausedAsync(string scheduleId, bool paused, DateTimeOffset? nextDue, CancellationToken cancellationToken);

    /// <summary>Deletes a schedule (not the runs it started).</summary>
    /// <param name="scheduleId">Its id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it existed.</returns>
    Task<bool> DeleteScheduleAsync(string scheduleId, CancellationToken cancellationToken);

    /// <summary>Starts the runs due schedules of these workflows plan, and advances the schedules, in one transaction.</summary>
    /// <param name="request">When, and how to plan.</param>
    /// <param name="workflows">The workflows this worker runs: other schedules are left to other workers.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The runs started, and when the next schedule is due.</returns>
    Task<ScheduleFireResult> FireSchedulesAsync(ScheduleFireRequest request, IReadOnlyCollection<string> workflows, CancellationToken cancellationToken);

    /// <summary>Waits until new work may be there (a notification) or <paramref name="max"/> passes.</summary>
    /// <param name="max">The longest wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task.</returns>
    Task WaitForWorkAsync(TimeSpan max, CancellationToken cancellationToken);
}
