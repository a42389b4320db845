using DocumentReview;
using Workflows;

// dotnet run --project samples/DocumentReview [-- --auto-approve] [--file report.md] [--graph]
// Exit codes: 0 published, 1 rejected, 2 bad arguments, 3 no answer (standard input closed).
bool autoApprove = args.Contains("--auto-approve");
string title = SampleDocument.Title;
string text = SampleDocument.Text;
int fileIndex = Array.IndexOf(args, "--file");
if (fileIndex >= 0)
{
    if (fileIndex + 1 >= args.Length || !File.Exists(args[fileIndex + 1]))
    {
        Console.Error.WriteLine("--file needs the path of a markdown file that exists.");
        return 2;
    }

    title = Path.GetFileNameWithoutExtension(args[fileIndex + 1]);
    text = await File.ReadAllTextAsync(args[fileIndex + 1]);
}

if (args.Contains("--graph"))
{
    Console.WriteLine(ReviewFlow.Graph.ToMermaid());
    return 0;
}

var flow = new ReviewFlow(reviewTime: TimeSpan.FromMilliseconds(400));
WorkflowHandler<ReviewCompleted> handler = flow.RunAsync(new DocumentSubmitted(title, text), new RunOptions { Timeout = TimeSpan.FromMinutes(10) });

await foreach (Event ev in handler.StreamEvents())
{
    switch (ev)
    {
        case Progress progress:
            Console.WriteLine(progress.Message);
            break;
        case ApprovalRequested request:
            Console.WriteLine();
            Console.WriteLine($"Approval needed for \"{request.Title}\":");
            foreach (string finding in request.Findings)
            {
                Console.WriteLine($"  - {finding}");
            }

            if (Ask(autoApprove) is not { } decision)
            {
                // An approval gate must not pass by default: with nobody to ask, nothing is published.
                Console.WriteLine();
                Console.Error.WriteLine("No answer: standard input is closed, so nobody can approve. Run it in a terminal to answer, or pass '-- --auto-approve' to approve without asking.");
                handler.Cancel();
                return 3;
            }

            await handler.SendEventAsync(decision);
            break;
        case ReviewCompleted completed:
            Console.WriteLine();
            Console.WriteLine($"\"{completed.Title}\" {completed.Outcome}.");
            break;
    }
}

ReviewCompleted result = await handler;
return result.Published ? 0 : 1;

// The decision, or null when standard input is closed and nobody can answer.
static ReviewerDecision? Ask(bool autoApprove)
{
    Console.Write("Publish anyway? [y/n] ");
    if (autoApprove)
    {
        Console.WriteLine("y (--auto-approve)");
        return new ReviewerDecision(Approve: true) { AnsweredBy = "--auto-approve" };
    }

    while (true)
    {
        string? answer = Console.ReadLine()?.Trim().ToLowerInvariant();
        switch (answer)
        {
            case null:
                return null;
            case "y" or "yes":
                return new ReviewerDecision(Approve: true) { AnsweredBy = Environment.UserName };
            case "n" or "no":
                return new ReviewerDecision(Approve: false) { AnsweredBy = Environment.UserName };
            default:
                Console.Write("Please answer y or n: ");
                break;
        }
    }
}
