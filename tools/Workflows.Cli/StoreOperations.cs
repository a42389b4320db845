using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Durable;
using Workflows.Sql;

namespace Workflows.Cli;

/// <summary>
/// The tool straight on a store: a runtime that runs no steps and registers no workflows, so it can
/// read and operate any run in the store (controls need no workflow types; sending an event does).
/// </summary>
public sealed class StoreOperations : IOperations
{
    /// <summary>Who the journal says asked, for controls made with the tool on a store.</summary>
    public static readonly string Requester = $"workflows-cli:{Environment.UserName}";

    private readonly SqlWorkflowStore _store;
    private readonly WorkflowRuntime _runtime;

    private StoreOperations(SqlWorkflowStore store)
    {
        _store = store;
        _runtime = new WorkflowRuntime(store, new WorkflowRuntimeOptions { RunWorkers = false, FailOnIncompatibleRuns = false, WorkerId = Requester });
    }

    /// <summary>Opens a store; a store that is missing or not a Workflows store is a <see cref="CliException"/>.</summary>
    public static async Task<StoreOperations> OpenAsync(SqlWorkflowStore store, CancellationToken cancellationToken)
    {
        var operations = new StoreOperations(store);
        try
        {
            await operations._runtime.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is WorkflowStoreException or DbException or InvalidOperationException)
        {
            await operations.DisposeAsync().ConfigureAwait(false);
            throw new CliException(ExitCodes.Unavailable, $"Could not open the store {store.Location}: {error.Message}");
        }

        return operations;
    }

    /// <inheritdoc/>
    public async Task<RunListView> ListRunsAsync(RunFilter filter, CancellationToken cancellationToken)
    {
        RunPage page = await _runtime.ListRunsAsync(
            new RunQuery(filter.Workflow, filter.Status is null ? null : Status(filter.Status), 0, filter.Limit) { Tags = filter.Tags },
            cancellationToken).ConfigureAwait(false);
        return new RunListView([.. page.Runs.Select(View)], page.Total);
    }

    /// <inheritdoc/>
    public async Task<RunView> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        View(await _runtime.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw NoRun(runId));

    /// <inheritdoc/>
    public async Task<IReadOnlyList<JournalView>> ReadJournalAsync(string runId, long after, CancellationToken cancellationToken)
    {
        _ = await _runtime.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw NoRun(runId);
        IReadOnlyList<StoredEvent> events = await _runtime.ReadEventsAsync(runId, after, 1000, cancellationToken).ConfigureAwait(false);
        return [.. events.Select(e => new JournalView(e.Sequence, e.Kind.ToString().ToLowerInvariant(), e.Type, e.Producer, e.CreatedAt, Parse(e.Payload)))];
    }

    /// <inheritdoc/>
    public Task SendAsync(string runId, string type, string data, CancellationToken cancellationToken) =>
        throw new CliException(
            ExitCodes.Refused,
            "Sending an event needs the workflow's event types, which a store alone does not have: send it through a server that runs the workflow (--server URL --key KEY).");

    /// <inheritdoc/>
    public async Task<RunView> ControlAsync(string runId, string control, CancellationToken cancellationToken)
    {
        try
        {
            switch (control)
            {
                case "cancel":
                    if (!await _runtime.CancelAsync(runId, cancellationToken).ConfigureAwait(false))
                    {
                        RunRecord ended = (await _runtime.GetRunAsync(runId, cancellationToken).ConfigureAwait(false))!;
                        throw new CliException(ExitCodes.Refused, $"Run '{runId}' of workflow '{ended.Workflow}' has already ended ({Name(ended.Status)}); it cannot be cancelled.");
                    }

                    break;
                case "suspend": await _runtime.SuspendAsync(runId, cancellationToken).ConfigureAwait(false); break;
                case "resume": await _runtime.ResumeAsync(runId, cancellationToken).ConfigureAwait(false); break;
                default: await _runtime.RetryAsync(runId, cancellationToken).ConfigureAwait(false); break;
            }
        }
        catch (WorkflowRunNotFoundException)
        {
            throw NoRun(runId);
        }
        catch (InvalidOperationException error)
        {
            throw new CliException(ExitCodes.Refused, error.Message);
        }

        return await GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<int> PurgeAsync(PurgeFilter filter, IProgress<int> progress, CancellationToken cancellationToken)
    {
        var query = new PurgeQuery { Workflow = filter.Workflow, Status = filter.Status is null ? null : Status(filter.Status), FinishedBefore = filter.FinishedBefore };
        try
        {
            return await _runtime.ActingAs(Requester).PurgeAsync(query, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException error)
        {
            throw new CliException(ExitCodes.Refused, error.Message.Split(" (Parameter", 2)[0]);
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ScheduleView>> ListSchedulesAsync(CancellationToken cancellationToken) =>
        [.. (await _runtime.ListSchedulesAsync(cancellationToken).ConfigureAwait(false)).Select(s => new ScheduleView(
            s.ScheduleId, s.Workflow, s.Spec.Cron ?? $"every {s.Spec.Every}", s.Spec.TimeZone, s.Paused, s.NextDueAt, s.LastRunId))];

    /// <inheritdoc/>
    public async Task ControlScheduleAsync(string scheduleId, string control, CancellationToken cancellationToken)
    {
        try
        {
            switch (control)
            {
                case "pause": await _runtime.PauseScheduleAsync(scheduleId, cancellationToken).ConfigureAwait(false); break;
                case "resume": await _runtime.ResumeScheduleAsync(scheduleId, cancellationToken).ConfigureAwait(false); break;
                default:
                    if (!await _runtime.DeleteScheduleAsync(scheduleId, cancellationToken).ConfigureAwait(false))
                    {
                        throw new KeyNotFoundException($"No schedule has the id '{scheduleId}'.");
                    }

                    break;
            }
        }
        catch (KeyNotFoundException error)
        {
            throw new CliException(ExitCodes.NotFound, error.Message);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<WorkflowView>> ListWorkflowsAsync(CancellationToken cancellationToken) =>
        _store.ReadAsync<IReadOnlyList<WorkflowView>>(
            async (connection, ct) =>
            {
                var workflows = new List<WorkflowView>();
                using DbCommand command = SqlCommands.Create(connection, null, "SELECT workflow, COUNT(*) FROM wf_runs GROUP BY workflow ORDER BY workflow");
                using DbDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    workflows.Add(new WorkflowView(reader.GetString(0), Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture), null));
                }

                return workflows;
            },
            cancellationToken);

    /// <inheritdoc/>
    public async Task<WorkflowView> GetWorkflowAsync(string name, CancellationToken cancellationToken)
    {
        // A store keeps each run's shape (its steps and events, line by line): the newest run's is the workflow's latest.
        RunPage newest = await _runtime.ListRunsAsync(new RunQuery(name, Limit: 1), cancellationToken).ConfigureAwait(false);
        RunRecord run = (newest.Runs.Count > 0 ? newest.Runs[0] : null) ?? throw new CliException(ExitCodes.NotFound, $"The store has no runs of a workflow named '{name}'.");
        return new WorkflowView(name, newest.Total, run.Shape);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await _runtime.DisposeAsync().ConfigureAwait(false);

    private static RunView View(RunRecord run) =>
        new(run.RunId, run.Workflow, Name(run.Status), run.CreatedAt, run.UpdatedAt, run.Error, run.Tags.Count == 0 ? null : run.Tags, run.ParentRunId);

    internal static string Name(WorkflowRunStatus status) => JsonNamingPolicy.CamelCase.ConvertName(status.ToString());

    private static WorkflowRunStatus Status(string text) =>
        Enum.GetValues<WorkflowRunStatus>().FirstOrDefault(s => string.Equals(s.ToString(), text, StringComparison.OrdinalIgnoreCase)) is var status && string.Equals(status.ToString(), text, StringComparison.OrdinalIgnoreCase)
            ? status
            : throw new CliException(ExitCodes.Usage, $"--status must be one of {string.Join(", ", Enum.GetValues<WorkflowRunStatus>().Select(Name))}, not '{text}'.");

    private static JsonNode? Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return JsonValue.Create(json);
        }
    }

    private static CliException NoRun(string runId) => new(ExitCodes.NotFound, $"No run has the id '{runId}'.");
}
