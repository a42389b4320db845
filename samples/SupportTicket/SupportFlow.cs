using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;
using Workflows;
using Workflows.AI;

namespace SupportTicket;

public sealed record TicketReceived(string Customer, string Text) : StartEvent;

/// <summary>What the model reads from a ticket.</summary>
public sealed record Triage(string Category, string Urgency, IReadOnlyList<string> Keywords);

public sealed record Triaged(TicketReceived Ticket, Triage Triage, string Team) : Event;
public sealed record TeamNeeded(string Customer, string Category, string Urgency, IReadOnlyList<string> Keywords) : InputRequiredEvent;
public sealed record TeamAssigned(string Team, string By) : HumanResponseEvent;
public sealed record ReplyReview(string Customer, string Team, string Draft) : InputRequiredEvent;
public sealed record ReplyDecision(bool Approved, string By, string? Note = null) : HumanResponseEvent;
public sealed record TicketClosed(string Customer, string Team, string Outcome, string Reply) : StopEvent;

/// <summary>
/// pymastra's support-ticket flow: a model classifies the ticket and picks its keywords, a person
/// assigns the team, a model drafts the reply, a manager approves it, and it is sent. Each model call
/// is made once however often its step runs (a durable run records the answer); the people are asked
/// through the run, so they may answer from another process, days later.
/// </summary>
[Workflow]
public partial class SupportFlow(IChatClient model, ModelCallOptions options)
{
    public static readonly string[] Teams = ["billing", "technical", "accounts"];

    [Step]
    public async Task<Triaged> Triage(TicketReceived ticket, WorkflowContext ctx, CancellationToken ct)
    {
        Triage triage = await ctx.AskModelAsync<Triage>(
            "triage",
            model,
            [
                new(ChatRole.System, "Classify the customer's support ticket. Category: billing, technical or accounts. Urgency: low, normal or high. Keywords: 1 to 5 words from the ticket."),
                new(ChatRole.User, ticket.Text),
            ],
            SupportJson.Default.Options,
            t => t.Keywords.Count is 0 or > 5 ? "give 1 to 5 keywords" : Array.IndexOf(["low", "normal", "high"], t.Urgency) < 0 ? "urgency must be low, normal or high" : null,
            options,
            ct);
        ctx.SetTag("category", triage.Category);
        TeamAssigned team = await ctx.WaitForAsync<TeamAssigned>(new TeamNeeded(ticket.Customer, triage.Category, triage.Urgency, triage.Keywords), ct);
        return new Triaged(ticket, triage, team.Team);
    }

    [Step]
    public async Task<TicketClosed> Reply(Triaged triaged, WorkflowContext ctx, CancellationToken ct)
    {
        string draft = await ctx.AskModelTextAsync(
            "draft",
            model,
            [
                new(ChatRole.System, $"You write short, friendly replies for the {triaged.Team} team. Sign as 'The {triaged.Team} team'."),
                new(ChatRole.User, $"Customer {triaged.Ticket.Customer} wrote: {triaged.Ticket.Text}\nKeywords: {string.Join(", ", triaged.Triage.Keywords)}"),
            ],
            options,
            ct);
        ReplyDecision decision = await ctx.WaitForAsync<ReplyDecision>(new ReplyReview(triaged.Ticket.Customer, triaged.Team, draft), ct);
        return decision.Approved
            ? new TicketClosed(triaged.Ticket.Customer, triaged.Team, $"reply sent, approved by {decision.By}", draft)
            : new TicketClosed(triaged.Ticket.Customer, triaged.Team, $"reply held by {decision.By}: {decision.Note ?? "no reason given"}", draft);
    }
}

// How the runs' events are stored: generated at compile time, so trimming and Native AOT are safe.
[JsonSerializable(typeof(TicketReceived))]
[JsonSerializable(typeof(Triage))]
[JsonSerializable(typeof(Triaged))]
[JsonSerializable(typeof(TeamNeeded))]
[JsonSerializable(typeof(TeamAssigned))]
[JsonSerializable(typeof(ReplyReview))]
[JsonSerializable(typeof(ReplyDecision))]
[JsonSerializable(typeof(TicketClosed))]
[JsonSerializable(typeof(ModelUsage))]
public sealed partial class SupportJson : JsonSerializerContext;
