using Microsoft.Extensions.AI;
using SupportTicket;
using Workflows;
using Workflows.AI;
using Workflows.Durable;
using Workflows.Sqlite;

// dotnet run --project samples/SupportTicket [-- "the ticket's text"]
// A support ticket, durable in support.db: a model triages it, you assign the team, a model drafts the
// reply, you approve it. Stop at a question (Ctrl+C, or no input) and run it again: the same run
// resumes, and no model call is made twice. Offline by default; see Models.cs for a real model.
string text = args.FirstOrDefault() ?? "I was charged twice for my subscription this month and the invoice shows both payments.";
(IChatClient model, string label) = Models.FromEnvironment();
Console.WriteLine($"Model: {label}");

var options = new ModelCallOptions { Prices = new ModelPrices().Add("gpt-4.1-mini", inputPerMillion: 0.40m, outputPerMillion: 1.60m) };
await using WorkflowRuntime runtime = new WorkflowRuntime(new SqliteWorkflowStore("support.db"))
    .Register(() => new SupportFlow(model, options), SupportJson.Default);
await runtime.StartAsync();

// One run per ticket text, however often the program starts.
RunRecord run = await runtime.StartRunAsync<SupportFlow>(new TicketReceived("ana@example.com", text), new DurableRunOptions { IdempotencyKey = "ticket-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16] });
Console.WriteLine($"Ticket: {text}\nRun {run.RunId}");

var usage = new List<ModelUsage>();
await foreach ((long _, Event ev) in runtime.FollowStreamAsync(run.RunId))
{
    switch (ev)
    {
        case ModelUsage used:
            usage.Add(used);
            break;
        case TeamNeeded asked:
            Console.WriteLine($"\nTriage: {asked.Category}, {asked.Urgency} urgency, keywords: {string.Join(", ", asked.Keywords)}");
            string? team = Ask($"Assign a team [{string.Join("/", SupportFlow.Teams)}] (Enter: {asked.Category}): ");
            if (team is null)
            {
                return Waiting(run);
            }

            await runtime.SendEventAsync(run.RunId, new TeamAssigned(team.Length == 0 ? asked.Category : team, Environment.UserName));
            break;
        case ReplyReview review:
            Console.WriteLine($"\nDraft for the {review.Team} team:\n  {review.Draft.Replace("\n", "\n  ", StringComparison.Ordinal)}");
            string? send = Ask("Send this reply? [y/n]: ");
            if (send is null)
            {
                return Waiting(run);
            }

            await runtime.SendEventAsync(run.RunId, new ReplyDecision(send.StartsWith('y'), Environment.UserName, send.StartsWith('y') ? null : "the manager wants changes"));
            break;
        case TicketClosed closed:
            ModelUsageTotals totals = ModelUsageTotals.Of(usage);
            Console.WriteLine($"\nTicket of {closed.Customer}: {closed.Outcome}.");
            Console.WriteLine($"Model calls: {totals.Calls}, tokens: {totals.InputTokens} in + {totals.OutputTokens} out{(totals.EstimatedCost is { } cost ? $", about ${cost:0.0000}" : string.Empty)}.");
            return 0;
    }
}

return 0;

// A closed input (a pipe that ended, no terminal) is not an answer: the question stays open in support.db.
static string? Ask(string question)
{
    Console.Write(question);
    string? line = Console.ReadLine();
    if (line is null)
    {
        Console.WriteLine();
    }

    return line?.Trim().ToLowerInvariant();
}

static int Waiting(RunRecord run)
{
    Console.WriteLine($"No input: run {run.RunId} waits in support.db for the answer. Run the program again to answer it.");
    return 3;
}
