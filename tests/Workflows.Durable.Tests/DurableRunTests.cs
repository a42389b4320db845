using Workflows.Durable.Tests.Flows;

namespace Workflows.Durable.Tests;

/// <summary>The durable scenarios, run against each store.</summary>
public abstract class DurableRunTests
{
    private protected abstract Task<TempStore> NewStoreAsync();

    [Fact]
    public async Task A_durable_run_fans_out_waits_for_a_human_and_a_timer_and_completes()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        RunRecord run = await runtime.StartRunAsync<ShippingFlow>(new Order("o-1", 4));
        RunRecord waiting = await WaitForStatusAsync(runtime, run.RunId, WorkflowRunStatus.WaitingForInput);
        Assert.Equal(WorkflowRunStatus.WaitingForInput, waiting.Status);
        await runtime.SendEventAsync(run.RunId, new Approval(true, "ana"));

        Shipped shipped = await runtime.WaitForResultAsync<Shipped>(run.RunId).WaitAsync(TempStore.Limit);

        Assert.Equal(new Shipped("o-1", 100, "ana", Reminded: true), shipped);
        IReadOnlyList<StoredEvent> journal = await runtime.ReadEventsAsync(run.RunId);
        Assert.Equal(Enumerable.Range(1, journal.Count).Select(i => (long)i), journal.Select(e => e.Sequence));
        Assert.Single(journal, e => e.Kind == EventRecordKind.Streamed && e.Type.EndsWith(nameof(ApprovalNeeded), StringComparison.Ordinal));
        Assert.Single(journal, e => e.Kind == EventRecordKind.Timer);
        Assert.Single(journal, e => e.Kind == EventRecordKind.External);
    }

    [Fact]
    public async Task Events_are_read_back_with_where_they_stand_among_fan_outs()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        RunRecord run = await runtime.StartRunAsync<ChapterFlow>(new Chapter(3));
        Assert.Equal(new ChapterRead(3), await runtime.WaitForResultAsync<ChapterRead>(run.RunId).WaitAsync(TempStore.Limit));

        // Each section is an item of the fan-out (batch.index.size.step), what its step made of it stands where it did,
        // and the run's start and the join's result stand outside any fan-out.
        IReadOnlyList<StoredEvent> journal = await runtime.ReadEventsAsync(run.RunId);
        string?[] sections = [.. journal.Where(e => e.Type.EndsWith($".{nameof(Section)}", StringComparison.Ordinal)).Select(e => e.Lineage).Order()];
        string?[] read = [.. journal.Where(e => e.Type.EndsWith($".{nameof(SectionRead)}", StringComparison.Ordinal)).Select(e => e.Lineage).Order()];
        Assert.Equal(3, sections.Length);
        Assert.All(sections, lineage => Assert.Matches(@"^\d+\.[0-2]\.3\.\d+$", lineage!));
        Assert.Equal(["0", "1", "2"], sections.Select(lineage => lineage!.Split('.')[1]));
        Assert.Equal(sections, read);
        Assert.Null(journal[0].Lineage);
        Assert.Null(Assert.Single(journal, e => e.Type.EndsWith($".{nameof(ChapterRead)}", StringComparison.Ordinal)).Lineage);
    }

    [Fact]
    public async Task A_journal_longer_than_a_page_is_read_whole_in_order_from_any_position()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        RunRecord run = await runtime.StartRunAsync<TickingFlow>(new Ticks(2_345));
        await runtime.WaitForResultAsync<Ticked>(run.RunId).WaitAsync(TempStore.Limit);

        List<StoredEvent> all = await runtime.ReadAllEventsAsync(run.RunId).ToListAsync();
        List<StoredEvent> rest = await runtime.ReadAllEventsAsync(run.RunId, 1_500).ToListAsync();

        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(e => e.Sequence));
        Assert.Equal(2_345, all.Count(e => e.Kind == EventRecordKind.Streamed && e.Type.EndsWith(".Tick", StringComparison.Ordinal)));
        Assert.Equal(all.Skip(1_500).Select(e => e.Sequence), rest.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Runs_are_found_by_text_in_their_title_in_any_case_or_by_the_start_of_their_id()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        RunRecord acme = await runtime.StartRunAsync<SupportFlow>(new Ticket("a"), new DurableRunOptions { Title = "  Invoice 1042 for ACME  " });
        RunRecord sale = await runtime.StartRunAsync<SupportFlow>(new Ticket("b"), new DurableRunOptions { Title = "Discount 50% off_season" });
        RunRecord untitled = await runtime.StartRunAsync<SupportFlow>(new Ticket("c"), new DurableRunOptions { RunId = "ticket-7781" });
        RunRecord again = await runtime.StartRunAsync<SupportFlow>(new Ticket("b"), new DurableRunOptions { RunId = sale.RunId });

        async Task<IEnumerable<string>> SearchAsync(string text) => (await runtime.ListRunsAsync(new RunQuery { Search = text })).Runs.Select(r => r.RunId);

        Assert.Equal(("Invoice 1042 for ACME", "Invoice 1042 for ACME"), (acme.Title, (await runtime.GetRunAsync(acme.RunId))!.Title));
        Assert.Equal(("Discount 50% off_season", null), (again.Title, untitled.Title));
        Assert.Equal([acme.RunId], await SearchAsync("acme"));
        Assert.Equal([acme.RunId], await SearchAsync(" 1042 FOR "));
        Assert.Equal([sale.RunId], await SearchAsync("50%"));
        Assert.Equal([sale.RunId], await SearchAsync("f_s"));
        Assert.Empty(await SearchAsync("5_%"));
        Assert.Equal(["ticket-7781"], await SearchAsync("ticket-77"));
        Assert.Equal(3, (await runtime.ListRunsAsync(new RunQuery { Search = "  " })).Total);
        Assert.Equal("Discount 50% off_season", (await runtime.ListRunsAsync(new RunQuery())).Runs.Single(r => r.RunId == sale.RunId).Title);
    }

    [Fact]
    public async Task A_run_is_titled_by_its_StartEvents_RunTitle_member_unless_given_a_title_and_a_long_one_is_cut()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        RunRecord marked = await runtime.StartRunAsync<InvoiceFlow>(new InvoiceReceived("Invoice 1042\tfor Acme", 99m));
        RunRecord given = await runtime.StartRunAsync<InvoiceFlow>(new InvoiceReceived("Invoice 1043", 5m), new DurableRunOptions { Title = "Acme, March" });
        RunRecord longOne = await runtime.StartRunAsync<InvoiceFlow>(new InvoiceReceived(new string('é', 300), 1m));
        RunRecord blank = await runtime.StartRunAsync<InvoiceFlow>(new InvoiceReceived("  ", 1m));

        Assert.Equal("Invoice 1042 for Acme", (await runtime.GetRunAsync(marked.RunId))!.Title);
        Assert.Equal("Acme, March", given.Title);
        Assert.Equal(new string('é', 199) + "…", (await runtime.GetRunAsync(longOne.RunId))!.Title);
        Assert.Null(blank.Title);
        Assert.Equal([marked.RunId], (await runtime.ListRunsAsync(new RunQuery { Search = "1042 FOR" })).Runs.Select(r => r.RunId));
    }

    [Fact]
    public async Task A_title_too_long_or_with_a_line_break_is_refused_and_no_run_starts()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        var broken = await Assert.ThrowsAsync<ArgumentException>(() => runtime.StartRunAsync<SupportFlow>(new Ticket("a"), new DurableRunOptions { Title = "two\nlines" }));
        var tooLong = await Assert.ThrowsAsync<ArgumentException>(() => runtime.StartRunAsync<SupportFlow>(new Ticket("a"), new DurableRunOptions { Title = new string('x', 201) }));

        Assert.StartsWith("A run's title must not hold control characters (line breaks, tabs); 'two\nlines' does.", broken.Message, StringComparison.Ordinal);
        Assert.StartsWith("A run's title must be at most 200 characters; '" + new string('x', 40) + "…' is 201.", tooLong.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await runtime.ListRunsAsync(new RunQuery())).Total);
    }

    [Fact]
    public async Task An_answer_sent_acting_as_someone_names_them_in_the_journal_and_one_sent_plainly_names_no_one()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        RunRecord named = await runtime.StartRunAsync<SupportFlow>(new Ticket("printer"));
        RunRecord plain = await runtime.StartRunAsync<SupportFlow>(new Ticket("screen"));
        await WaitForStatusAsync(runtime, named.RunId, WorkflowRunStatus.WaitingForInput);
        await WaitForStatusAsync(runtime, plain.RunId, WorkflowRunStatus.WaitingForInput);

        await runtime.ActingAs("ana@example.com").SendEventAsync(named.RunId, new AgentReply("restart it"));
        await runtime.SendEventAsync(plain.RunId, new AgentReply("unplug it"));
        await runtime.WaitForResultAsync<Answered>(named.RunId).WaitAsync(TempStore.Limit);
        await runtime.WaitForResultAsync<Answered>(plain.RunId).WaitAsync(TempStore.Limit);

        Assert.Equal("ana@example.com", Assert.Single(await runtime.ReadEventsAsync(named.RunId), e => e.Kind == EventRecordKind.External).Producer);
        Assert.Null(Assert.Single(await runtime.ReadEventsAsync(plain.RunId), e => e.Kind == EventRecordKind.External).Producer);
    }

    [Fact]
    public async Task Answers_reach_steps_that_consume_human_responses()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        RunRecord run = await runtime.StartRunAsync<SupportFlow>(new Ticket("printer on fire"));
        await WaitForStatusAsync(runtime, run.RunId, WorkflowRunStatus.WaitingForInput);
        await runtime.SendEventAsync(run.RunId, new AgentReply("use the other printer"));

        Assert.Equal("use the other printer", (await runtime.WaitForResultAsync<Answered>(run.RunId).WaitAsync(TempStore.Limit)).Text);
    }

    [Theory]
    [InlineData(0, 1, "worked")]
    [InlineData(2, 3, "worked")]
    [InlineData(5, 3, "fallback after attempt 3 timed out")]
    public async Task Durable_retries_and_error_handlers_follow_the_step_options(int failures, int attempts, string how)
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        RunRecord run = await runtime.StartRunAsync<FlakyFlow>(new Flaky(failures));
        FlakyDone done = await runtime.WaitForResultAsync<FlakyDone>(run.RunId).WaitAsync(TempStore.Limit);

        Assert.Equal(attempts, done.Attempts);
        Assert.Equal(how, done.How);
    }

    [Fact]
    public async Task A_failing_run_ends_Failed_with_the_steps_error()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        RunRecord run = await runtime.StartRunAsync<DoomedFlow>(new Doomed());
        var error = await Assert.ThrowsAsync<WorkflowRunFailedException>(() => runtime.WaitForResultAsync<NeverDone>(run.RunId).WaitAsync(TempStore.Limit));

        Assert.Equal(WorkflowRunStatus.Failed, error.Run.Status);
        Assert.Equal("Step 'Explode' failed after 1 attempt(s): System.FormatException: bad input", error.Run.Error);
    }

    [Fact]
    public async Task Starting_twice_with_an_idempotency_key_or_run_id_returns_the_same_run()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        RunRecord first = await runtime.StartRunAsync<SupportFlow>(new Ticket("a"), new DurableRunOptions { IdempotencyKey = "ticket-42" });
        RunRecord second = await runtime.StartRunAsync<SupportFlow>(new Ticket("a"), new DurableRunOptions { IdempotencyKey = "ticket-42" });
        RunRecord named = await runtime.StartRunAsync<SupportFlow>(new Ticket("b"), new DurableRunOptions { RunId = "my-run" });
        RunRecord again = await runtime.StartRunAsync<SupportFlow>(new Ticket("b-again"), new DurableRunOptions { RunId = "my-run" });

        Assert.Equal(first.RunId, second.RunId);
        Assert.Equal("my-run", named.RunId);
        Assert.Equal(named.RunId, again.RunId);
        Assert.Equal(2, (await runtime.ListRunsAsync(new RunQuery(Workflow: "SupportFlow"))).Total);

        // The start that lost to the key under a run id of its own left nothing behind; the one that lost to the id left the first run as it was.
        RunRecord keyed = await runtime.StartRunAsync<SupportFlow>(new Ticket("c"), new DurableRunOptions { RunId = "other-run", IdempotencyKey = "ticket-42" });
        Assert.Equal(first.RunId, keyed.RunId);
        Assert.Null(await runtime.GetRunAsync("other-run"));
        await using IWorkflowStore journal = store.NewStore();
        await journal.InitializeAsync(CancellationToken.None);
        Assert.Empty(await journal.ReadEventsAsync("other-run", 0, 10, CancellationToken.None));
        Assert.Empty(await journal.ReadDeliveriesAsync("other-run", CancellationToken.None));
        StoredEvent start = Assert.Single(await journal.ReadEventsAsync("my-run", 0, 1, CancellationToken.None));
        Assert.DoesNotContain("b-again", start.Payload, StringComparison.Ordinal);
        Assert.Equal(2, (await runtime.ListRunsAsync(new RunQuery(Workflow: "SupportFlow"))).Total);
    }

    [Fact]
    public async Task Runs_are_listed_by_workflow_and_status_newest_first_a_page_at_a_time()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        var ids = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            ids.Add((await runtime.StartRunAsync<SupportFlow>(new Ticket($"t{i}"))).RunId);
            await Task.Delay(2);
        }

        foreach (string id in ids)
        {
            await WaitForStatusAsync(runtime, id, WorkflowRunStatus.WaitingForInput);
        }

        RunPage page = await runtime.ListRunsAsync(new RunQuery(Workflow: "SupportFlow", Status: WorkflowRunStatus.WaitingForInput, Offset: 1, Limit: 2));

        Assert.Equal(5, page.Total);
        Assert.Equal([ids[3], ids[2]], page.Runs.Select(r => r.RunId));
    }

    [Fact]
    public async Task Cancelling_a_waiting_run_ends_it_and_rejects_later_answers()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        RunRecord run = await runtime.StartRunAsync<SupportFlow>(new Ticket("x"));
        await WaitForStatusAsync(runtime, run.RunId, WorkflowRunStatus.WaitingForInput);

        Assert.True(await runtime.CancelAsync(run.RunId));

        Assert.Equal(WorkflowRunStatus.Cancelled, (await runtime.GetRunAsync(run.RunId))!.Status);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => runtime.SendEventAsync(run.RunId, new AgentReply("late")));
        Assert.Equal($"Run '{run.RunId}' of workflow 'SupportFlow' has been cancelled; it accepts no more events.", error.Message);
    }

    internal static async Task<DeliveryRecord> WaitForDeliveryAsync(WorkflowRuntime runtime, string runId, DeliveryStatus status)
    {
        DateTime deadline = DateTime.UtcNow + TempStore.Limit;
        while (true)
        {
            if ((await runtime.Store.ReadDeliveriesAsync(runId, default)).FirstOrDefault(d => d.Status == status) is { } delivery)
            {
                return delivery;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Run {runId} has no delivery {status}.");
            await Task.Delay(20);
        }
    }

    internal static async Task<RunRecord> WaitForStatusAsync(WorkflowRuntime runtime, string runId, WorkflowRunStatus status)
    {
        DateTime deadline = DateTime.UtcNow + TempStore.Limit;
        while (true)
        {
            RunRecord run = (await runtime.GetRunAsync(runId))!;
            if (run.Status == status)
            {
                return run;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Run {runId} is {run.Status} ({run.Error}), not {status}.");
            await Task.Delay(20);
        }
    }
}

public sealed class SqliteDurableRunTests : DurableRunTests
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDurableRunTests(PostgresServer server) : DurableRunTests
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());
}
