namespace Workflows.Cli;

/// <summary>What the tool does, against a store (SQLite, PostgreSQL) or a server (HTTP + API key). Refusals are <see cref="CliException"/>s.</summary>
public interface IOperations : IAsyncDisposable
{
    /// <summary>Runs, newest first.</summary>
    Task<RunListView> ListRunsAsync(RunFilter filter, CancellationToken cancellationToken);

    /// <summary>A run.</summary>
    Task<RunView> GetRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>A run's journal after a position.</summary>
    Task<IReadOnlyList<JournalView>> ReadJournalAsync(string runId, long after, CancellationToken cancellationToken);

    /// <summary>Sends an event (its type's name and its data as JSON) into a run.</summary>
    Task SendAsync(string runId, string type, string data, CancellationToken cancellationToken);

    /// <summary>Cancels, suspends, resumes or retries a run.</summary>
    Task<RunView> ControlAsync(string runId, string control, CancellationToken cancellationToken);

    /// <summary>Deletes finished runs; tells <paramref name="progress"/> the running total.</summary>
    Task<int> PurgeAsync(PurgeFilter filter, IProgress<int> progress, CancellationToken cancellationToken);

    /// <summary>Every schedule.</summary>
    Task<IReadOnlyList<ScheduleView>> ListSchedulesAsync(CancellationToken cancellationToken);

    /// <summary>Pauses, resumes or deletes a schedule.</summary>
    Task ControlScheduleAsync(string scheduleId, string control, CancellationToken cancellationToken);

    /// <summary>The workflows the source knows.</summary>
    Task<IReadOnlyList<WorkflowView>> ListWorkflowsAsync(CancellationToken cancellationToken);

    /// <summary>One workflow, with its graph.</summary>
    Task<WorkflowView> GetWorkflowAsync(string name, CancellationToken cancellationToken);
}
