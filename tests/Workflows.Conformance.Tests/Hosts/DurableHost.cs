using Workflows.Durable;
using Workflows.Postgres;
using Workflows.Sqlite;

namespace Workflows.Conformance.Tests.Hosts;

/// <summary>
/// Runs a scenario durably in a store of its own (a temporary SQLite file, or a fresh PostgreSQL
/// database), following the run's stream as a client would, answering its questions from outside,
/// and reading routing and attempts back from the journal.
/// </summary>
internal sealed class DurableHost(string name, Func<Task<IWorkflowStore>> newStore)
{
    public string Name { get; } = name;

    public static DurableHost Sqlite()
    {
        return new DurableHost("SQLite", () =>
        {
            string directory = Path.Combine(Path.GetTempPath(), "workflows-conformance", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            return Task.FromResult<IWorkflowStore>(new SqliteWorkflowStore(Path.Combine(directory, "runs.db")));
        });
    }

    public static DurableHost Postgres(PostgresServer server) =>
        new("PostgreSQL", async () => new PostgresWorkflowStore(await server.CreateDatabaseAsync()));

    public async Task<Observed> RunAsync(Scenario scenario)
    {
        ScenarioRun run = scenario.NewRun();
        var options = new WorkflowRuntimeOptions { PollInterval = TimeSpan.FromMilliseconds(20), Lease = TimeSpan.FromSeconds(3) };
        await using WorkflowRuntime runtime = run.Register!(new WorkflowRuntime(await newStore(), options));
        await runtime.StartAsync();
        string runId = await run.StartDurable!(runtime);
        if (run.CancelWhen is { } cancelWhen)
        {
            _ = cancelWhen().ContinueWith(_ => runtime.CancelAsync(runId), TaskScheduler.Default).Unwrap();
        }

        // Follows the run's stream and, as they appear, its child runs' (as a client would, by RunQuery.ParentRunId),
        // answering every question through the run's own id: the runtime hands an answer to a child that waits for it.
        var streamed = new List<Event>();
        using var limit = new CancellationTokenSource(Limits.Run);
        await FollowAsync(runtime, run, runId, runId, streamed, isChild: false, limit.Token);
        Outcome outcome;
        try
        {
            outcome = Outcome.Completed(await run.WaitDurable!(runtime, runId).WaitAsync(Limits.Run));
        }
        catch (WorkflowRunFailedException failed)
        {
            outcome = Outcome.Of(failed);
        }
        catch (WorkflowTimeoutException)
        {
            outcome = Outcome.TimedOut;
        }

        RunRecord record = (await runtime.GetRunAsync(runId))!;
        IReadOnlyList<DeliveryRecord> deliveries = await runtime.Store.ReadDeliveriesAsync(runId, default);
        var delivered = deliveries.Select(d => d.EventId).ToHashSet();
        IReadOnlyList<StoredEvent> journal = await runtime.ReadEventsAsync(runId, 0, 10_000);
        // Events taken by a step, as in memory: what an empty fan-out records for its joins is the engine's, not an event of the graph.
        IEnumerable<Event> routed = journal.Where(e => delivered.Contains(e.Id)).Select(e => runtime.Deserialize(record, e)).Where(run.IsTakenByAStep);

        // In memory a child's steps are attempts of the same observed run; here they are its child runs'.
        var attempts = new List<(string, int)>();
        foreach (string id in await WithDescendantsAsync(runtime, runId))
        {
            attempts.AddRange((await runtime.Store.ReadDeliveriesAsync(id, default)).Where(d => d.Executions > 0).Select(d => (d.StepName, d.Attempt)));
        }

        lock (streamed)
        {
            return Observed.Create(outcome, [.. streamed], routed, attempts, runId);
        }
    }

    private static async Task FollowAsync(WorkflowRuntime runtime, ScenarioRun run, string rootId, string runId, List<Event> streamed, bool isChild, CancellationToken cancellationToken)
    {
        using var followingChildren = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task children = FollowChildrenAsync(runtime, run, rootId, runId, streamed, followingChildren.Token);
        await foreach ((long _, Event ev) in runtime.FollowStreamAsync(runId, cancellationToken: cancellationToken))
        {
            // A child's StopEvent is its parent step's result, not part of the parent's stream (as in memory).
            if (!(isChild && ev is StopEvent))
            {
                lock (streamed)
                {
                    streamed.Add(ev);
                }
            }

            if (ev is InputRequiredEvent question && run.Answer?.Invoke(question) is { } answer)
            {
                await runtime.SendEventAsync(rootId, answer, cancellationToken);
            }
        }

        await followingChildren.CancelAsync();
        try
        {
            await children;
        }
        catch (OperationCanceledException)
        {
            // The run ended; its children ended before it could.
        }
    }

    private static async Task FollowChildrenAsync(WorkflowRuntime runtime, ScenarioRun run, string rootId, string parentId, List<Event> streamed, CancellationToken cancellationToken)
    {
        var following = new Dictionary<string, Task>(StringComparer.Ordinal);
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (RunRecord child in (await runtime.ListRunsAsync(new RunQuery { ParentRunId = parentId }, cancellationToken)).Runs)
            {
                if (!following.ContainsKey(child.RunId))
                {
                    following[child.RunId] = FollowAsync(runtime, run, rootId, child.RunId, streamed, isChild: true, cancellationToken);
                }
            }

            await Task.Delay(20, cancellationToken);
        }

        await Task.WhenAll(following.Values);
    }

    private static async Task<List<string>> WithDescendantsAsync(WorkflowRuntime runtime, string runId)
    {
        var ids = new List<string> { runId };
        foreach (RunRecord child in (await runtime.ListRunsAsync(new RunQuery { ParentRunId = runId })).Runs)
        {
            ids.AddRange(await WithDescendantsAsync(runtime, child.RunId));
        }

        return ids;
    }
}
