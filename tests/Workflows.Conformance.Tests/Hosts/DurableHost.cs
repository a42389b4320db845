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

        var streamed = new List<Event>();
        using var limit = new CancellationTokenSource(Limits.Run);
        await foreach ((long _, Event ev) in runtime.FollowStreamAsync(runId).WithCancellation(limit.Token))
        {
            streamed.Add(ev);
            if (ev is InputRequiredEvent question && run.Answer?.Invoke(question) is { } answer)
            {
                await runtime.SendEventAsync(runId, answer);
            }
        }

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
        IEnumerable<Event> routed = journal.Where(e => delivered.Contains(e.Id)).Select(e => runtime.Deserialize(record, e));
        IEnumerable<(string, int)> attempts = deliveries.Where(d => d.Executions > 0).Select(d => (d.StepName, d.Attempt));
        return Observed.Create(outcome, streamed, routed, attempts, runId);
    }
}
