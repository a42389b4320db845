using System.ComponentModel;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace Workflows.AI.Tests;

public sealed record TicketOpened(string Text) : StartEvent;
public sealed record Classified(string Category, IReadOnlyList<string> Keywords) : StopEvent;

/// <summary>Asks the model for a typed classification; a classification without keywords is sent back.</summary>
[Workflow]
public partial class ClassifyFlow(IChatClient chat, ModelCallOptions? options = null)
{
    [Step(MaxAttempts = 2, TimeoutMs = 2_000)]
    public Task<Classified> Classify(TicketOpened ticket, WorkflowContext ctx, CancellationToken ct) =>
        ctx.AskModelAsync<Classified>(
            "classify",
            chat,
            [new(ChatRole.System, "Classify the support ticket."), new(ChatRole.User, ticket.Text)],
            AIFlowJson.Default.Options,
            c => c.Keywords.Count == 0 ? "give at least one keyword" : null,
            options,
            ct);
}

public sealed record TeamAsked(string Category) : InputRequiredEvent;
public sealed record TeamChosen(string Team) : HumanResponseEvent;
public sealed record Routed(string Category, string Team) : StopEvent;

/// <summary>Classifies with the model, then asks a person for the team: durable, the step runs again when the person answers.</summary>
[Workflow]
public partial class RouteFlow(IChatClient chat)
{
    [Step]
    public async Task<Routed> Route(TicketOpened ticket, WorkflowContext ctx, CancellationToken ct)
    {
        Classified classified = await ctx.AskModelAsync<Classified>("classify", chat, [new(ChatRole.User, ticket.Text)], AIFlowJson.Default.Options, cancellationToken: ct);
        TeamChosen team = await ctx.WaitForAsync<TeamChosen>(new TeamAsked(classified.Category), ct);
        return new Routed(classified.Category, team.Team);
    }
}

public sealed record RefundRequested(string Order) : StartEvent;
public sealed record RefundHandled(string Answer, IReadOnlyList<ToolCallRecord> Calls, long Tokens) : StopEvent;

/// <summary>An agent with two tools: looking an order up runs at once, a refund needs a person's approval.</summary>
[Workflow]
public partial class RefundFlow(IChatClient chat, Tools tools)
{
    [Step]
    public async Task<RefundHandled> Handle(RefundRequested request, WorkflowContext ctx, CancellationToken ct)
    {
        AgentResult result = await ctx.RunAgentAsync(
            "agent",
            chat,
            [new(ChatRole.User, $"Refund order {request.Order} if it arrived broken.")],
            [tools.Lookup, new ApprovalRequiredAIFunction(tools.Refund)],
            cancellationToken: ct);
        return new RefundHandled(result.Text, result.ToolCalls, result.Usage.TotalTokens);
    }
}

/// <summary>Offers the refund tool twice, under one name.</summary>
[Workflow]
public partial class TwoRefundsFlow(IChatClient chat, Tools tools)
{
    [Step]
    public async Task<RefundHandled> Handle(RefundRequested request, WorkflowContext ctx, CancellationToken ct)
    {
        AgentResult result = await ctx.RunAgentAsync("agent", chat, [new(ChatRole.User, request.Order)], [tools.Refund, new ApprovalRequiredAIFunction(tools.Refund)], cancellationToken: ct);
        return new RefundHandled(result.Text, result.ToolCalls, result.Usage.TotalTokens);
    }
}

/// <summary>The tools, counting their calls: a durable re-run must not call them again.</summary>
public sealed class Tools
{
    private int _lookups;
    private int _refunds;

    public Tools()
    {
        Lookup = AIFunctionFactory.Create(LookupOrder, "lookup_order", "Looks an order up.", AIFlowJson.Default.Options);
        Refund = AIFunctionFactory.Create(RefundOrder, "refund", "Refunds an order.", AIFlowJson.Default.Options);
    }

    public AIFunction Lookup { get; }

    public AIFunction Refund { get; }

    public int Lookups => _lookups;

    public int Refunds => _refunds;

    public List<string> Refunded { get; } = [];

    private string LookupOrder([Description("The order id.")] string order)
    {
        Interlocked.Increment(ref _lookups);
        return $"order {order}: a vase, arrived broken";
    }

    private string RefundOrder([Description("The order id.")] string order, [Description("How much.")] decimal amount)
    {
        Interlocked.Increment(ref _refunds);
        lock (Refunded)
        {
            Refunded.Add($"{order} {amount}");
        }

        return $"refunded {amount} for {order}";
    }
}

public sealed record Drafted(string Reply) : StopEvent;

/// <summary>Drafts a reply with the model, streamed as it is written.</summary>
[Workflow]
public partial class DraftFlow(IChatClient chat)
{
    [Step]
    public async Task<Drafted> Draft(TicketOpened ticket, WorkflowContext ctx, CancellationToken ct) =>
        new(await ctx.StreamModelTextAsync("draft", chat, [new(ChatRole.User, $"Reply to: {ticket.Text}")], cancellationToken: ct));
}

[JsonSerializable(typeof(TicketOpened))]
[JsonSerializable(typeof(Drafted))]
[JsonSerializable(typeof(ModelDelta))]
[JsonSerializable(typeof(Classified))]
[JsonSerializable(typeof(TeamAsked))]
[JsonSerializable(typeof(TeamChosen))]
[JsonSerializable(typeof(Routed))]
[JsonSerializable(typeof(RefundRequested))]
[JsonSerializable(typeof(RefundHandled))]
[JsonSerializable(typeof(ModelUsage))]
[JsonSerializable(typeof(ToolApprovalRequested))]
[JsonSerializable(typeof(ToolDecision))]
[JsonSerializable(typeof(decimal))]
public sealed partial class AIFlowJson : JsonSerializerContext;
