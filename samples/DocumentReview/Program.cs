using DocumentReview;
using Workflows;

// dotnet run --project samples/DocumentReview [-- --auto-approve] [--file report.md] [--graph]
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

            await handler.SendEventAsync(Ask(autoApprove));
            break;
        case ReviewCompleted completed:
            Console.WriteLine();
            Console.WriteLine($"\"{completed.Title}\" {completed.Outcome}.");
            break;
    }
}

ReviewCompleted result = await handler;
return result.Published ? 0 : 1;

static ReviewerDecision Ask(bool autoApprove)
{
    Console.Write("Publish anyway? [y/n] ");
    if (autoApprove)
    {
        Console.WriteLine("y (--auto-approve)");
        return new ReviewerDecision(Approve: true, Reviewer: "--auto-approve");
    }

    while (true)
    {
        string? answer = Console.ReadLine()?.Trim().ToLowerInvariant();
        switch (answer)
        {
            case null:
                Console.WriteLine("(no input left: approving; pass --auto-approve to skip the question)");
                return new ReviewerDecision(Approve: true, Reviewer: "end of input");
            case "y" or "yes":
                return new ReviewerDecision(Approve: true, Reviewer: Environment.UserName);
            case "n" or "no":
                return new ReviewerDecision(Approve: false, Reviewer: Environment.UserName);
            default:
                Console.Write("Please answer y or n: ");
                break;
        }
    }
}
