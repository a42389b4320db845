using System.Text.Json;
using Microsoft.Extensions.AI;
using Workflows.Durable;
using Workflows.Sqlite;

namespace Workflows.AI.Tests;

/// <summary>
/// Model calls and agents in durable runs, on SQLite and PostgreSQL: a step that runs again (for an
/// answer, a tool approval) gets its recorded model turns and tool results back — the model is asked
/// once per turn and each tool runs once; usage is streamed once; workflows serve as tools.
/// </summary>
public abstract class DurableAIContract
{
    private protected abstract Task<IWorkflowStore> NewStoreAsync();

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private async Task<WorkflowRuntime> StartAsync(IChatClient chat, Tools? tools = null)
    {
        WorkflowRuntime runtime = new WorkflowRuntime(await NewStoreAsync(), new WorkflowRuntimeOptions { PollInterval = TimeSpan.FromMilliseconds(50) })
            .Register(() => new RouteFlow(chat), AIFlowJson.Default)
            .Register(() => new DraftFlow(chat), AIFlowJson.Default)
            .Register(() => new RefundFlow(chat, tools ?? new Tools()), AIFlowJson.Default);
        await runtime.StartAsync();
        return runtime;
    }

    [Fact]
    public async Task A_step_that_runs_again_for_its_answer_does_not_ask_the_model_again()
    {
        var chat = new ScriptedChatClient(ScriptedChatClient.Says("""{"Category":"billing","Keywords":["refund"]}"""));
        await using WorkflowRuntime runtime = await StartAsync(chat);

        RunRecord run = await runtime.StartRunAsync<RouteFlow>(new TicketOpened("charged twice"));
        await WaitForStatusAsync(runtime, run.RunId, WorkflowRunStatus.WaitingForInput);
        await runtime.SendEventAsync(run.RunId, new TeamChosen("payments"));
        Routed routed = await runtime.WaitForResultAsync<Routed>(run.RunId).WaitAsync(Limit);

        Assert.Equal(new Routed("billing", "payments"), routed);
        Assert.Single(chat.Requests);
        IReadOnlyList<StoredEvent> journal = await runtime.ReadEventsAsync(run.RunId);
        StoredEvent recorded = Assert.Single(journal, e => e.Kind == EventRecordKind.Recorded);
        Assert.Equal("classify", recorded.Type);
        Assert.Contains("\"modelId\":\"scripted-model\"", recorded.Payload, StringComparison.Ordinal);
        StoredEvent usage = Assert.Single(journal, e => e.Type == typeof(ModelUsage).FullName);
        Assert.Equal(new ModelUsage("classify", "scripted-model", 100, 20, 120, 1, null), JsonSerializer.Deserialize(usage.Payload, AIFlowJson.Default.ModelUsage));
    }

    [Fact]
    public async Task An_agent_waits_durably_for_a_tool_approval_and_resumes_without_repeating_a_turn_or_a_tool()
    {
        var chat = AgentTests.RefundScript();
        var tools = new Tools();
        await using WorkflowRuntime runtime = await StartAsync(chat, tools);

        RunRecord run = await runtime.StartRunAsync<RefundFlow>(new RefundRequested("A-7"));
        await WaitForStatusAsync(runtime, run.RunId, WorkflowRunStatus.WaitingForInput);
        StoredEvent asked = Assert.Single(await runtime.ReadEventsAsync(run.RunId), e => e.Type == typeof(ToolApprovalRequested).FullName);
        Assert.Equal("refund", JsonSerializer.Deserialize(asked.Payload, AIFlowJson.Default.ToolApprovalRequested)!.Tool);
        await runtime.SendEventAsync(run.RunId, new ToolDecision(true, Arguments: """{"order":"A-7","amount":60}""") { AnsweredBy = "ana" });
        RefundHandled handled = await runtime.WaitForResultAsync<RefundHandled>(run.RunId).WaitAsync(Limit);

        Assert.Equal("Done: refunded 60 for A-7", handled.Answer);
        Assert.Equal(3, chat.Requests.Count);
        Assert.Equal((1, 1), (tools.Lookups, tools.Refunds));
        IReadOnlyList<StoredEvent> journal = await runtime.ReadEventsAsync(run.RunId);
        Assert.Equal(
            ["agent:turn-1", "agent:tool-call-1", "agent:turn-2", "agent:tool-call-2", "agent:turn-3"],
            journal.Where(e => e.Kind == EventRecordKind.Recorded).Select(e => e.Type));
        Assert.Single(journal, e => e.Kind == EventRecordKind.External && e.Type == typeof(ToolDecision).FullName);
        Assert.Single(journal, e => e.Type == typeof(ModelUsage).FullName);
    }

    [Fact]
    public async Task A_refused_tool_call_never_runs_and_the_model_is_told_in_a_durable_run_too()
    {
        var chat = AgentTests.RefundScript();
        var tools = new Tools();
        await using WorkflowRuntime runtime = await StartAsync(chat, tools);

        RunRecord run = await runtime.StartRunAsync<RefundFlow>(new RefundRequested("A-7"));
        await WaitForStatusAsync(runtime, run.RunId, WorkflowRunStatus.WaitingForInput);
        await runtime.SendEventAsync(run.RunId, new ToolDecision(false, Reason: "no damage on the photo") { AnsweredBy = "bo" });
        RefundHandled handled = await runtime.WaitForResultAsync<RefundHandled>(run.RunId).WaitAsync(Limit);

        Assert.Equal((1, 0), (tools.Lookups, tools.Refunds));
        Assert.Equal("refused", handled.Calls[1].Outcome);
        Assert.Equal("Done: A person refused this call (bo): no damage on the photo. Do not call it again with the same arguments.", handled.Answer);
        Assert.Equal(3, chat.Requests.Count);
        Assert.DoesNotContain(await runtime.ReadEventsAsync(run.RunId), e => e.Type == "agent:tool-call-2");
    }

    [Fact]
    public async Task A_workflow_serves_as_a_tool_answering_with_its_result_or_with_the_question_it_waits_on()
    {
        var chat = new ScriptedChatClient(
            ScriptedChatClient.Says("""{"Category":"billing","Keywords":["refund"]}"""),
            ScriptedChatClient.Says("""{"Category":"bug","Keywords":["crash"]}"""));
        await using WorkflowRuntime runtime = await StartAsync(chat);
        AIFunction route = runtime.AsAIFunction<RouteFlow>("Routes a support ticket to a team.");

        Assert.Equal("RouteFlow", route.Name);
        Assert.Contains("\"Text\"", route.JsonSchema.GetRawText(), StringComparison.Ordinal);
        var waiting = (JsonElement)(await route.InvokeAsync(new AIFunctionArguments { ["Text"] = "charged twice" }))!;

        Assert.Equal("waitingForInput", waiting.GetProperty("status").GetString());
        Assert.Equal("TeamAsked", waiting.GetProperty("question").GetProperty("type").GetString());
        Assert.Equal("billing", waiting.GetProperty("question").GetProperty("event").GetProperty("Category").GetString());
        string runId = waiting.GetProperty("runId").GetString()!;
        await runtime.SendEventAsync(runId, new TeamChosen("payments"));
        Assert.Equal(new Routed("billing", "payments"), await runtime.WaitForResultAsync<Routed>(runId).WaitAsync(Limit));
    }

    [Fact]
    public async Task A_streamed_answer_reaches_followers_live_in_order_and_only_the_whole_answer_is_recorded()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var chat = new ScriptedChatClient(ScriptedChatClient.Says("We are on it, Ana.")) { BeforeStreaming = ct => gate.Task.WaitAsync(ct) };
        await using WorkflowRuntime runtime = await StartAsync(chat);

        RunRecord run = await runtime.StartRunAsync<DraftFlow>(new TicketOpened("broken vase"));
        using var following = new CancellationTokenSource(Limit);
        await using IAsyncEnumerator<StoredEvent> live = runtime.FollowLiveAsync(run.RunId, following.Token).GetAsyncEnumerator(following.Token);
        ValueTask<bool> first = live.MoveNextAsync();
        gate.SetResult();
        var deltas = new List<ModelDelta>();
        for (bool more = await first; more; more = deltas.Count < 5 && await live.MoveNextAsync())
        {
            Assert.Equal((EventRecordKind.Live, 0L, "Draft"), (live.Current.Kind, live.Current.Sequence, live.Current.Producer));
            deltas.Add(JsonSerializer.Deserialize(live.Current.Payload, AIFlowJson.Default.ModelDelta)!);
        }

        Assert.Equal(["We", " are", " on", " it,", " Ana."], deltas.Select(d => d.Text));
        Assert.Equal(new Drafted("We are on it, Ana."), await runtime.WaitForResultAsync<Drafted>(run.RunId).WaitAsync(Limit));
        IReadOnlyList<StoredEvent> journal = await runtime.ReadEventsAsync(run.RunId);
        Assert.DoesNotContain(journal, e => e.Type == typeof(ModelDelta).FullName);
        StoredEvent usage = Assert.Single(journal, e => e.Type == typeof(ModelUsage).FullName);
        Assert.Equal(new ModelUsage("draft", "scripted-model", 100, 20, 120, 1, null), JsonSerializer.Deserialize(usage.Payload, AIFlowJson.Default.ModelUsage));
        Assert.Contains("We are on it, Ana.", Assert.Single(journal, e => e.Kind == EventRecordKind.Recorded).Payload, StringComparison.Ordinal);
    }

    private static async Task WaitForStatusAsync(WorkflowRuntime runtime, string runId, WorkflowRunStatus status)
    {
        DateTime deadline = DateTime.UtcNow + Limit;
        while ((await runtime.GetRunAsync(runId))?.Status != status)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Run {runId} did not reach {status}: {(await runtime.GetRunAsync(runId))?.Status}");
            await Task.Delay(20);
        }
    }
}

public sealed class SqliteDurableAITests : DurableAIContract, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "workflows-ai-tests", Guid.NewGuid().ToString("N"));

    private protected override Task<IWorkflowStore> NewStoreAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.FromResult<IWorkflowStore>(new SqliteWorkflowStore(Path.Combine(_directory, $"{Guid.NewGuid():N}.db")));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A connection still holds a file; the temp directory is cleaned by the OS.
        }
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDurableAITests(PostgresServer server) : DurableAIContract
{
    private protected override async Task<IWorkflowStore> NewStoreAsync() => new Workflows.Postgres.PostgresWorkflowStore(await server.CreateDatabaseAsync());
}
