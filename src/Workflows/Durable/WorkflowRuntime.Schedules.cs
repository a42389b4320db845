using Workflows.Infrastructure;

namespace Workflows.Durable;

/// <summary>
/// Schedules: workflows started on a cron expression or an interval, by whichever worker is up.
/// Each occurrence starts exactly one run (its idempotency key is the occurrence), tagged
/// <c>schedule</c> = the schedule's id.
/// </summary>
public sealed partial class WorkflowRuntime
{
    private const int SchedulesPerFire = 20;
    private Task? _scheduleLoop;

    /// <summary>
    /// Makes a schedule that starts <typeparamref name="TWorkflow"/> with <paramref name="start"/> at each
    /// occurrence, or replaces the schedule with that id (its next occurrence is computed afresh).
    /// </summary>
    /// <typeparam name="TWorkflow">A registered workflow.</typeparam>
    /// <param name="scheduleId">The schedule's id, unique in the store: <c>nightly-report</c>.</param>
    /// <param name="start">The StartEvent every run starts with.</param>
    /// <param name="spec">When, in which time zone, and what to do with overlaps and missed occurrences.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedule as stored, with its next occurrence.</returns>
    /// <exception cref="ArgumentException">The spec is invalid (both or neither of cron and interval, a bad cron expression, an unknown time zone), or the start event is not the workflow's.</exception>
    public Task<ScheduleRecord> ScheduleAsync<TWorkflow>(string scheduleId, StartEvent start, ScheduleSpec spec, CancellationToken cancellationToken = default)
        where TWorkflow : class, IGeneratedWorkflow =>
        ScheduleAsync(RegistrationOf(typeof(TWorkflow)), scheduleId, start, spec, cancellationToken);

    /// <summary>Makes or replaces a schedule of a registered workflow, by name (for callers without its type: a CLI, an HTTP API), as <see cref="ScheduleAsync{TWorkflow}"/>.</summary>
    /// <param name="scheduleId">The schedule's id.</param>
    /// <param name="workflow">The workflow's name.</param>
    /// <param name="start">The StartEvent every run starts with.</param>
    /// <param name="spec">When, and how.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedule as stored.</returns>
    public Task<ScheduleRecord> ScheduleWorkflowAsync(string scheduleId, string workflow, StartEvent start, ScheduleSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        return _versions.Newest.TryGetValue(workflow, out DurableRegistration? registration)
            ? ScheduleAsync(registration, scheduleId, start, spec, cancellationToken)
            : throw new InvalidOperationException($"No workflow named '{workflow}' is registered with this runtime.");
    }

    /// <summary>A schedule by id, or <see langword="null"/>.</summary>
    /// <param name="scheduleId">Its id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedule.</returns>
    public Task<ScheduleRecord?> GetScheduleAsync(string scheduleId, CancellationToken cancellationToken = default) => _store.GetScheduleAsync(scheduleId, cancellationToken);

    /// <summary>Every schedule in the store, by id.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedules.</returns>
    public Task<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(CancellationToken cancellationToken = default) => _store.ListSchedulesAsync(cancellationToken);

    /// <summary>Pauses a schedule: it starts nothing until resumed. Runs it started go on.</summary>
    /// <param name="scheduleId">Its id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    /// <exception cref="KeyNotFoundException">No schedule has that id.</exception>
    public async Task PauseScheduleAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scheduleId);
        if (!await _store.SetSchedulePausedAsync(scheduleId, true, null, cancellationToken).ConfigureAwait(false))
        {
            throw NoSchedule(scheduleId);
        }
    }

    /// <summary>Resumes a paused schedule from its next occurrence after now; occurrences that fell while it was paused are skipped.</summary>
    /// <param name="scheduleId">Its id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    /// <exception cref="KeyNotFoundException">No schedule has that id.</exception>
    public async Task ResumeScheduleAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        ScheduleRecord schedule = await _store.GetScheduleAsync(scheduleId, cancellationToken).ConfigureAwait(false) ?? throw NoSchedule(scheduleId);
        DateTimeOffset? next = ScheduleRules.Next(schedule.Spec, _options.TimeProvider.GetUtcNow(), schedule.NextDueAt);
        if (!await _store.SetSchedulePausedAsync(scheduleId, false, next, cancellationToken).ConfigureAwait(false))
        {
            throw NoSchedule(scheduleId);
        }

        SignalSchedules();
    }

    /// <summary>Deletes a schedule; the runs it started are kept.</summary>
    /// <param name="scheduleId">Its id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it existed.</returns>
    public Task<bool> DeleteScheduleAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scheduleId);
        return _store.DeleteScheduleAsync(scheduleId, cancellationToken);
    }

    private async Task<ScheduleRecord> ScheduleAsync(DurableRegistration registration, string scheduleId, StartEvent start, ScheduleSpec spec, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scheduleId);
        ArgumentNullException.ThrowIfNull(start);
        ScheduleRules.Check(spec);
        RunTags.Checked(spec.Tags, nameof(spec));
        GraphEvent startType = registration.Definition.Graph.StartEvent;
        if (!startType.Type.IsInstanceOfType(start))
        {
            throw new ArgumentException($"Workflow '{registration.Name}' starts with '{startType.Name}', not '{start.GetType().Name}'.", nameof(start));
        }

        DateTimeOffset now = _options.TimeProvider.GetUtcNow();
        var schedule = new ScheduleRecord(
            scheduleId,
            registration.Name,
            spec,
            DurableSerializer.Name(start.GetType()),
            registration.Serializer.Serialize(start),
            Paused: false,
            ScheduleRules.Next(spec, now, null),
            LastRunId: null,
            now);
        ScheduleRecord stored = await _store.SaveScheduleAsync(schedule, cancellationToken).ConfigureAwait(false);
        SignalSchedules();
        return stored;
    }

    /// <summary>What a due schedule starts now: the run rules of schedules, applied to this registration.</summary>
    private SchedulePlan PlanSchedule(ScheduleRecord schedule, bool lastRunActive, DateTimeOffset now)
    {
        DurableRegistration registration = _versions.Newest[schedule.Workflow];
        List<DateTimeOffset> due = ScheduleRules.Due(schedule, now);
        (List<DateTimeOffset> start, DateTimeOffset? buffer) = ScheduleRules.Pick(schedule, due, lastRunActive, now);
        var runs = new List<NewRun>(start.Count);
        if (start.Count > 0)
        {
            Event first = registration.Serializer.Deserialize(schedule.StartType, schedule.StartPayload);
            var tags = new Dictionary<string, string>(schedule.Spec.Tags ?? new Dictionary<string, string>(), StringComparer.Ordinal) { ["schedule"] = schedule.ScheduleId };
            foreach (DateTimeOffset occurrence in start)
            {
                string runId = Guid.CreateVersion7().ToString();
                runs.Add(new NewRun(
                    runId,
                    registration.Name,
                    registration.Definition.Fingerprint,
                    registration.Definition.Shape,
                    ScheduleRules.IdempotencyKey(schedule.ScheduleId, occurrence),
                    registration.Record(first, EventRecordKind.Start, null, registration.DeliveriesOf(first, now)))
                {
                    Timeout = schedule.Spec.RunTimeout,
                    Tags = tags,
                    Queued = _runLimits.ContainsKey(registration.Name),
                    TraceParent = Diagnostics.DurableTelemetry.TraceParentOfNewRun(registration.Name, runId),
                });
            }
        }

        DateTimeOffset? next = due.Count == 0 ? schedule.NextDueAt : ScheduleRules.Next(schedule.Spec, now, due[^1]);
        return new SchedulePlan(runs, next, buffer);
    }

    /// <summary>
    /// Starts what schedules of this runtime's workflows have due, then sleeps until the soonest is
    /// next due (at most a poll interval: schedules made by other processes are seen by then).
    /// </summary>
    private async Task ScheduleLoopAsync(CancellationToken stopping)
    {
        string[] workflows = [.. _versions.Newest.Keys];
        while (!stopping.IsCancellationRequested)
        {
            TimeSpan wait = _options.PollInterval;
            try
            {
                DateTimeOffset now = _options.TimeProvider.GetUtcNow();
                ScheduleFireResult fired = await _store.FireSchedulesAsync(
                    new ScheduleFireRequest(now, SchedulesPerFire, (schedule, active) => PlanSchedule(schedule, active, now)), workflows, stopping).ConfigureAwait(false);
                foreach (RunRecord run in fired.Started)
                {
                    DurableLog.ScheduledRunStarted(_logger, run.Workflow, run.RunId, run.IdempotencyKey!);
                    Diagnostics.DurableTelemetry.RunStarted(run.Workflow);
                    _observer?.RunStarted(run);
                }

                if (fired.Started.Count > 0)
                {
                    SignalWork();
                }

                if (fired.NextDueAt is { } next && next - now < wait)
                {
                    wait = next - now;
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                DurableLog.SchedulesFailed(_logger, error, wait);
            }

            try
            {
                await _scheduleWake.WaitAsync(wait < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : wait, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private readonly SemaphoreSlim _scheduleWake = new(0, 1);

    /// <summary>Wakes this process's schedule loop: a schedule was made or resumed here.</summary>
    private void SignalSchedules()
    {
        if (_scheduleWake.CurrentCount == 0)
        {
            try
            {
                _scheduleWake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already woken.
            }
        }
    }

    private static KeyNotFoundException NoSchedule(string scheduleId) => new($"No schedule has the id '{scheduleId}'.");
}
