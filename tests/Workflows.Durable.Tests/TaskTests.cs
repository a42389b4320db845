using System.Text.Json;
using Workflows.Durable.Tests.Flows;

namespace Workflows.Durable.Tests;

/// <summary>
/// Questions as tasks: who may answer, claims, delegation and reassignment decided in the store's
/// transaction (a refusal changes nothing), the answerer recorded, the history in the run's journal,
/// due times and the typed overdue event — on SQLite and PostgreSQL, through a runtime that runs no
/// steps while a worker runs them (as the server and its workers would).
/// </summary>
public abstract class TaskContract
{
    private static readonly TaskActor Ana = new("ana", []);
    private static readonly TaskActor Bo = new("bo", ["legal"]);
    private static readonly TaskActor Cy = new("cy", ["sales"]);
    private static readonly TaskActor Ops = new("ops", []) { MayManage = true };
    private static readonly TaskActor Bot = new("intake-bot", []) { IsService = true };
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private protected abstract Task<TempStore> NewStoreAsync();

    [Fact]
    public async Task A_question_becomes_a_task_only_an_assignee_may_answer_and_the_answer_names_them()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime worker = await store.StartRuntimeAsync();
        await using WorkflowRuntime inbox = await store.StartRuntimeAsync(o => o.RunWorkers = false);
        RunRecord run = await inbox.StartRunAsync<ContractFlow>(new Contract("NDA"));
        HumanTaskRecord task = await OpenTaskAsync(inbox, run.RunId);

        Assert.Equal(("Review NDA", "Ask", "ContractFlow", 2), (task.Title, task.Step, task.Workflow, task.Priority));
        Assert.Equal(["ana"], task.Users);
        Assert.Equal(["legal"], task.Roles);
        Assert.Equal(typeof(ReviewRequested).FullName, task.PromptType);
        Assert.Null(task.DueAt);

        TaskRefusedException refused = await Assert.ThrowsAsync<TaskRefusedException>(() => inbox.Tasks.AnswerAsync(task.TaskId, Cy, new ReviewDecision(true)));
        Assert.Equal($"Task {task.TaskId} is assigned to user ana, role legal; cy is not one of them (roles: sales).", refused.Message);
        await Assert.ThrowsAsync<TaskRefusedException>(() => inbox.Tasks.AnswerRunAsync(run.RunId, Cy, new ReviewDecision(true)));
        Assert.Equal(WorkflowRunStatus.WaitingForInput, (await inbox.GetRunAsync(run.RunId))!.Status);
        Assert.DoesNotContain(await inbox.ReadEventsAsync(run.RunId), e => e.Kind == EventRecordKind.External);

        await inbox.Tasks.AnswerAsync(task.TaskId, Bo, new ReviewDecision(true));
        Assert.Equal(new Reviewed("NDA", true, false, "bo"), await inbox.WaitForResultAsync<Reviewed>(run.RunId).WaitAsync(TempStore.Limit));

        HumanTaskRecord done = (await inbox.Tasks.GetAsync(task.TaskId))!;
        Assert.Equal((HumanTaskStatus.Completed, "bo"), (done.Status, done.CompletedBy));
        Assert.NotNull(done.ClosedAt);
        StoredEvent answer = Assert.Single(await inbox.ReadEventsAsync(run.RunId), e => e.Kind == EventRecordKind.External);
        Assert.Equal("bo", answer.Producer);
        Assert.Equal([TaskHistoryEntry.Created, TaskHistoryEntry.Completed], await HistoryTypesAsync(inbox, run.RunId));
        await Assert.ThrowsAsync<TaskRefusedException>(() => inbox.Tasks.ClaimAsync(task.TaskId, Bo));
    }

    [Fact]
    public async Task Claims_delegation_and_reassignment_change_who_may_answer_and_are_journaled()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime worker = await store.StartRuntimeAsync();
        await using WorkflowRuntime inbox = await store.StartRuntimeAsync(o => o.RunWorkers = false);
        RunRecord run = await inbox.StartRunAsync<ContractFlow>(new Contract("MSA"));
        long id = (await OpenTaskAsync(inbox, run.RunId)).TaskId;

        Assert.Equal("bo", (await inbox.Tasks.ClaimAsync(id, Bo)).ClaimedBy);
        TaskRefusedException held = await Assert.ThrowsAsync<TaskRefusedException>(() => inbox.Tasks.AnswerAsync(id, Ana, new ReviewDecision(false)));
        Assert.Equal($"Task {id} is claimed by bo; only they may answer it until they release it.", held.Message);
        await Assert.ThrowsAsync<TaskRefusedException>(() => inbox.Tasks.ClaimAsync(id, Ana));
        await Assert.ThrowsAsync<TaskRefusedException>(() => inbox.Tasks.ReleaseAsync(id, Ana));
        Assert.Equal($"Task {id} is claimed by bo; only they may claim it until they release it.", (await Assert.ThrowsAsync<TaskRefusedException>(() => inbox.Tasks.ClaimAsync(id, Bot))).Message);

        HumanTaskRecord delegated = await inbox.Tasks.DelegateAsync(id, Bo, "cy", "cy knows this customer");
        Assert.Equal(["cy"], delegated.Users);
        Assert.Equal((0, null), (delegated.Roles.Count, delegated.ClaimedBy));
        await Assert.ThrowsAsync<TaskRefusedException>(() => inbox.Tasks.ClaimAsync(id, Bo));

        TaskRefusedException notOps = await Assert.ThrowsAsync<TaskRefusedException>(() => inbox.Tasks.ReassignAsync(id, Cy, [], ["legal"]));
        Assert.Equal($"Reassigning task {id} takes the permission to operate runs, which cy does not have.", notOps.Message);
        HumanTaskRecord reassigned = await inbox.Tasks.ReassignAsync(id, Ops, ["ana"], [], "back to the owner");
        Assert.Equal(["ana"], reassigned.Users);

        // A service is not assigned, yet may take a task nobody holds (on someone's behalf), and give it back.
        Assert.Equal("intake-bot", (await inbox.Tasks.ClaimAsync(id, Bot)).ClaimedBy);
        Assert.Null((await inbox.Tasks.ReleaseAsync(id, Bot)).ClaimedBy);

        await Assert.ThrowsAsync<TaskNotFoundException>(() => inbox.Tasks.ClaimAsync(id + 1000, Ana));
        // The step is told who answered (the person, not what the body says), from the journal.
        await inbox.Tasks.AnswerRunAsync(run.RunId, Ana, new ReviewDecision(false) { AnsweredBy = "mallory" });
        Assert.Equal((false, "ana"), (await inbox.WaitForResultAsync<Reviewed>(run.RunId).WaitAsync(TempStore.Limit)) is var r ? (r.Approved, r.By) : default);

        List<StoredEvent> history = [.. (await inbox.ReadEventsAsync(run.RunId)).Where(e => e.Kind == EventRecordKind.Task)];
        Assert.Equal(
            [TaskHistoryEntry.Created, TaskHistoryEntry.Claimed, TaskHistoryEntry.Delegated, TaskHistoryEntry.Reassigned, TaskHistoryEntry.Claimed, TaskHistoryEntry.Released, TaskHistoryEntry.Completed],
            history.Select(e => e.Type));
        TaskHistoryEntry delegation = JsonSerializer.Deserialize<TaskHistoryEntry>(history[2].Payload, JsonOptions)!;
        Assert.Equal(("bo", "bo", "cy", "cy knows this customer"), (delegation.By, delegation.From, delegation.To, delegation.Reason));
        Assert.Equal(("ops", "back to the owner"), (history[3].Producer, JsonSerializer.Deserialize<TaskHistoryEntry>(history[3].Payload, JsonOptions)!.Reason));
        Assert.Equal("ana", (await inbox.Tasks.GetAsync(id))!.CompletedBy);
    }

    [Fact]
    public async Task The_inbox_filters_by_person_role_assignment_and_due_time_and_sorts()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime worker = await store.StartRuntimeAsync();
        await using WorkflowRuntime inbox = await store.StartRuntimeAsync(o => o.RunWorkers = false);
        // Each run's task is awaited before the next run starts: the worker would otherwise ask the three
        // questions in any order, and the default sort (newest first) follows the order they were asked.
        RunRecord soon = await inbox.StartRunAsync<ContractFlow>(new Contract("soon", DueMilliseconds: 1));
        long soonTask = (await OpenTaskAsync(inbox, soon.RunId)).TaskId;
        RunRecord later = await inbox.StartRunAsync<ContractFlow>(new Contract("later", DueMilliseconds: 3_600_000));
        long laterTask = (await OpenTaskAsync(inbox, later.RunId)).TaskId;
        RunRecord finance = await inbox.StartRunAsync<SignOffFlow>(new Contract("budget"));
        long financeTask = (await OpenTaskAsync(inbox, finance.RunId)).TaskId;
        await inbox.Tasks.ClaimAsync(laterTask, Bo);

        Assert.Equal([laterTask, soonTask], await IdsAsync(inbox, new HumanTaskQuery { User = "ana" }));
        Assert.Equal([laterTask], await IdsAsync(inbox, new HumanTaskQuery { User = "bo" }));
        Assert.Equal([financeTask], await IdsAsync(inbox, new HumanTaskQuery { Roles = ["finance", "hr"] }));
        Assert.Equal([financeTask, laterTask, soonTask], await IdsAsync(inbox, new HumanTaskQuery { User = "bo", Roles = ["legal", "finance"] }));
        Assert.Empty(await IdsAsync(inbox, new HumanTaskQuery { Unassigned = true }));
        Assert.Equal([soonTask], await IdsAsync(inbox, new HumanTaskQuery { Overdue = true }));
        Assert.Equal([soonTask, laterTask, financeTask], await IdsAsync(inbox, new HumanTaskQuery { Sort = HumanTaskSort.Due }));
        Assert.Equal([soonTask, laterTask, financeTask], await IdsAsync(inbox, new HumanTaskQuery { Sort = HumanTaskSort.Priority }));
        Assert.Equal([financeTask], await IdsAsync(inbox, new HumanTaskQuery("SignOffFlow")));
        Assert.True((await inbox.Tasks.GetAsync(soonTask))!.IsOverdue(DateTimeOffset.UtcNow));

        HumanTaskPage page = await inbox.Tasks.ListAsync(new HumanTaskQuery(Limit: 1, Offset: 1));
        Assert.Equal((3, laterTask), (page.Total, Assert.Single(page.Tasks).TaskId));
    }

    [Fact]
    public async Task An_answer_to_a_waiting_step_closes_its_task_and_a_run_that_ends_cancels_the_rest()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime worker = await store.StartRuntimeAsync();
        await using WorkflowRuntime inbox = await store.StartRuntimeAsync(o => o.RunWorkers = false);
        RunRecord signed = await inbox.StartRunAsync<SignOffFlow>(new Contract("capex"));
        RunRecord dropped = await inbox.StartRunAsync<SignOffFlow>(new Contract("opex"));
        HumanTaskRecord task = await OpenTaskAsync(inbox, signed.RunId);
        HumanTaskRecord other = await OpenTaskAsync(inbox, dropped.RunId);
        Assert.Equal(["finance"], task.Roles);
        Assert.Equal("ReviewRequested", task.Title);

        await inbox.Tasks.AnswerAsync(task.TaskId, new TaskActor("fay", ["finance"]), new ReviewDecision(true));
        // The waiting step runs again from the top with the answer, and reads who gave it.
        Assert.Equal((true, "fay"), (await inbox.WaitForResultAsync<Reviewed>(signed.RunId).WaitAsync(TempStore.Limit)) is var r ? (r.Approved, r.By) : default);
        Assert.Equal((HumanTaskStatus.Completed, "fay"), ((await inbox.Tasks.GetAsync(task.TaskId))!.Status, (await inbox.Tasks.GetAsync(task.TaskId))!.CompletedBy));

        await inbox.CancelAsync(dropped.RunId);
        HumanTaskRecord cancelled = (await inbox.Tasks.GetAsync(other.TaskId))!;
        Assert.Equal(HumanTaskStatus.Cancelled, cancelled.Status);
        Assert.NotNull(cancelled.ClosedAt);
        Assert.Empty((await inbox.Tasks.ListAsync(new HumanTaskQuery())).Tasks);

        Assert.Equal(2, await inbox.PurgeAsync(new PurgeQuery()));
        Assert.Null(await inbox.Tasks.GetAsync(task.TaskId));
        Assert.Equal(0, (await inbox.Tasks.ListAsync(new HumanTaskQuery(Status: null))).Total);
    }

    [Fact]
    public async Task A_task_past_due_sends_its_overdue_event_once_even_across_a_worker_restart()
    {
        using TempStore store = await NewStoreAsync();
        RunRecord run;
        long id;
        await using (WorkflowRuntime first = await store.StartRuntimeAsync())
        {
            run = await first.StartRunAsync<ContractFlow>(new Contract("lease", DueMilliseconds: 1_500, Escalate: true));
            id = (await OpenTaskAsync(first, run.RunId)).TaskId;
        }

        // The worker that asked is gone; the next one finds the task past due.
        await Task.Delay(1_600);
        await using WorkflowRuntime second = await store.StartRuntimeAsync();
        Assert.Equal(new Reviewed("lease", false, true), await second.WaitForResultAsync<Reviewed>(run.RunId).WaitAsync(TempStore.Limit));

        HumanTaskRecord task = (await second.Tasks.GetAsync(id))!;
        Assert.Equal(HumanTaskStatus.Cancelled, task.Status);
        Assert.NotNull(task.EscalatedAt);
        Assert.True(task.EscalatedAt >= task.DueAt);
        IReadOnlyList<StoredEvent> journal = await second.ReadEventsAsync(run.RunId);
        Assert.Single(journal, e => e.Type == typeof(ReviewOverdue).FullName);
        Assert.Equal([TaskHistoryEntry.Created, TaskHistoryEntry.Overdue], journal.Where(e => e.Kind == EventRecordKind.Task).Select(e => e.Type));
    }

    [Fact]
    public async Task An_overdue_task_with_no_event_is_marked_and_stays_open_for_an_answer()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        RunRecord run = await runtime.StartRunAsync<ContractFlow>(new Contract("late", DueMilliseconds: 200));
        long id = (await OpenTaskAsync(runtime, run.RunId)).TaskId;
        await RunControlContract.WaitUntilAsync(async () => (await runtime.Tasks.GetAsync(id))!.EscalatedAt is not null);

        Assert.Equal(WorkflowRunStatus.WaitingForInput, (await runtime.GetRunAsync(run.RunId))!.Status);
        await runtime.Tasks.AnswerAsync(id, Ana, new ReviewDecision(true));
        Assert.Equal(new Reviewed("late", true, false, "ana"), await runtime.WaitForResultAsync<Reviewed>(run.RunId).WaitAsync(TempStore.Limit));
        Assert.Equal([TaskHistoryEntry.Created, TaskHistoryEntry.Overdue, TaskHistoryEntry.Completed], await HistoryTypesAsync(runtime, run.RunId));
    }

    [Fact]
    public async Task An_answer_sent_by_code_keeps_the_answerer_it_names_unless_an_operator_is_named_and_its_json_never_holds_it()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime worker = await store.StartRuntimeAsync();
        await using WorkflowRuntime inbox = await store.StartRuntimeAsync(o => o.RunWorkers = false);
        RunRecord trusted = await inbox.StartRunAsync<SignOffFlow>(new Contract("trusted"));
        RunRecord named = await inbox.StartRunAsync<ContractFlow>(new Contract("named"));
        RunRecord nobody = await inbox.StartRunAsync<ContractFlow>(new Contract("nobody"));
        await OpenTaskAsync(inbox, trusted.RunId);
        await OpenTaskAsync(inbox, named.RunId);
        await OpenTaskAsync(inbox, nobody.RunId);

        await inbox.SendEventAsync(trusted.RunId, new ReviewDecision(true) { AnsweredBy = "erp-sync" });
        await inbox.ActingAs("ops@example.com").SendEventAsync(named.RunId, new ReviewDecision(true) { AnsweredBy = "mallory" });
        await inbox.SendEventAsync(nobody.RunId, new ReviewDecision(false));

        Assert.Equal("erp-sync", (await inbox.WaitForResultAsync<Reviewed>(trusted.RunId).WaitAsync(TempStore.Limit)).By);
        Assert.Equal("ops@example.com", (await inbox.WaitForResultAsync<Reviewed>(named.RunId).WaitAsync(TempStore.Limit)).By);
        Assert.Null((await inbox.WaitForResultAsync<Reviewed>(nobody.RunId).WaitAsync(TempStore.Limit)).By);

        StoredEvent answer = Assert.Single(await inbox.ReadEventsAsync(named.RunId), e => e.Kind == EventRecordKind.External);
        Assert.Equal(("ops@example.com", "{\"Approved\":true}"), (answer.Producer, answer.Payload));
        Assert.Equal("ops@example.com", (await inbox.Tasks.ListAsync(new HumanTaskQuery(Status: null) { RunId = named.RunId })).Tasks.Single().CompletedBy);
    }

    private static async Task<HumanTaskRecord> OpenTaskAsync(WorkflowRuntime runtime, string runId)
    {
        HumanTaskRecord? found = null;
        await RunControlContract.WaitUntilAsync(async () =>
        {
            IReadOnlyList<HumanTaskRecord> tasks = (await runtime.Tasks.ListAsync(new HumanTaskQuery { RunId = runId })).Tasks;
            found = tasks.Count == 0 ? null : tasks[0];
            return found is not null;
        });
        return found!;
    }

    private static async Task<List<long>> IdsAsync(WorkflowRuntime runtime, HumanTaskQuery query) =>
        [.. (await runtime.Tasks.ListAsync(query)).Tasks.Select(t => t.TaskId)];

    private static async Task<List<string>> HistoryTypesAsync(WorkflowRuntime runtime, string runId) =>
        [.. (await runtime.ReadEventsAsync(runId)).Where(e => e.Kind == EventRecordKind.Task).Select(e => e.Type)];
}

public sealed class SqliteTaskTests : TaskContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresTaskTests(PostgresServer server) : TaskContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());
}
