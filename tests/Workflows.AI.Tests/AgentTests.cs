using Microsoft.Extensions.AI;

namespace Workflows.AI.Tests;

/// <summary>Tool-calling agents in memory: tools run, a tool that needs approval waits for a person, who approves, edits or refuses.</summary>
public class AgentTests
{
    internal static ScriptedChatClient RefundScript() => new(
        ScriptedChatClient.Calls(new FunctionCallContent("call-1", "lookup_order", new Dictionary<string, object?> { ["order"] = "A-7" })),
        ScriptedChatClient.Calls(new FunctionCallContent("call-2", "refund", new Dictionary<string, object?> { ["order"] = "A-7", ["amount"] = 80 })),
        conversation => ScriptedChatClient.Says($"Done: {conversation[^1].Contents.OfType<FunctionResultContent>().Single().Result}")(conversation));

    [Fact]
    public async Task An_approved_call_runs_and_its_result_goes_back_to_the_model()
    {
        var chat = RefundScript();
        var tools = new Tools();
        RefundFlow.Handler handler = new RefundFlow(chat, tools).RunAsync(new RefundRequested("A-7"));

        ToolApprovalRequested asked = await NextApprovalAsync(handler);
        Assert.Equal(new ToolApprovalRequested("refund", """{"order":"A-7","amount":80}""", "call-2", "Refunds an order."), asked);
        Assert.Equal(0, tools.Refunds);
        await handler.SendEventAsync(new ToolDecision(true) { AnsweredBy = "ana" });
        RefundHandled handled = await handler;

        Assert.Equal("Done: refunded 80 for A-7", handled.Answer);
        Assert.Equal(["A-7 80"], tools.Refunded);
        Assert.Equal(1, tools.Lookups);
        Assert.Equal(
            [new ToolCallRecord("lookup_order", """{"order":"A-7"}""", "ran", "\"order A-7: a vase, arrived broken\""), new ToolCallRecord("refund", """{"order":"A-7","amount":80}""", "ran", "\"refunded 80 for A-7\"")],
            handled.Calls);
        Assert.Equal(60 + 60 + 120, handled.Tokens);
        Assert.Equal(3, chat.Requests.Count);
        Assert.Equal(["lookup_order", "refund"], chat.Requests[0].Options!.Tools!.Select(t => t.Name));
    }

    [Fact]
    public async Task An_edited_call_runs_with_the_persons_arguments()
    {
        var tools = new Tools();
        RefundFlow.Handler handler = new RefundFlow(RefundScript(), tools).RunAsync(new RefundRequested("A-7"));

        await NextApprovalAsync(handler);
        await handler.SendEventAsync(new ToolDecision(true, Arguments: """{"order":"A-7","amount":40}""", Reason: "half: the vase was on sale") { AnsweredBy = "ana" });
        RefundHandled handled = await handler;

        Assert.Equal(["A-7 40"], tools.Refunded);
        Assert.Equal("Done: refunded 40 for A-7", handled.Answer);
        Assert.Equal("""{"order":"A-7","amount":40}""", handled.Calls[1].Arguments);
    }

    [Fact]
    public async Task A_refused_call_does_not_run_and_the_model_is_told_why()
    {
        var chat = RefundScript();
        var tools = new Tools();
        RefundFlow.Handler handler = new RefundFlow(chat, tools).RunAsync(new RefundRequested("A-7"));

        await NextApprovalAsync(handler);
        await handler.SendEventAsync(new ToolDecision(false, Reason: "the photo shows no damage") { AnsweredBy = "bo" });
        RefundHandled handled = await handler;

        Assert.Equal(0, tools.Refunds);
        const string Refusal = "A person refused this call (bo): the photo shows no damage. Do not call it again with the same arguments.";
        Assert.Equal(new ToolCallRecord("refund", """{"order":"A-7","amount":80}""", "refused", Refusal), handled.Calls[1]);
        Assert.Equal($"Done: {Refusal}", handled.Answer);
    }

    [Fact]
    public async Task An_edit_that_is_not_a_JSON_object_fails_the_step_naming_the_tool()
    {
        var tools = new Tools();
        RefundFlow.Handler handler = new RefundFlow(RefundScript(), tools).RunAsync(new RefundRequested("A-7"));

        await NextApprovalAsync(handler);
        await handler.SendEventAsync(new ToolDecision(true, Arguments: "forty"));
        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(async () => await handler);

        Assert.StartsWith("The arguments for tool 'refund' are not a JSON object (", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, tools.Refunds);
    }

    [Fact]
    public async Task Two_tools_with_one_name_fail_the_step_naming_the_tool()
    {
        var tools = new Tools();
        var chat = new ScriptedChatClient(ScriptedChatClient.Says("unused"));
        var flow = new TwoRefundsFlow(chat, tools);

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(async () => await flow.RunAsync(new RefundRequested("A-7")));

        Assert.Equal("Agent 'agent' was given two tools named 'refund'; a model calls tools by name, so each needs its own. (Parameter 'tools')", error.Message);
        Assert.Empty(chat.Requests);
    }

    private static async Task<ToolApprovalRequested> NextApprovalAsync(RefundFlow.Handler handler)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (Event ev in handler.StreamEvents(timeout.Token))
        {
            if (ev is ToolApprovalRequested asked)
            {
                return asked;
            }
        }

        throw new InvalidOperationException("The run ended without asking for an approval.");
    }
}
