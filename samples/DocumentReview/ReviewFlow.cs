using Workflows;

namespace DocumentReview;

/// <summary>
/// Splits a document into sections, reviews them three at a time, gathers the reviews, and either
/// publishes at once or asks a person to approve the findings.
/// </summary>
[Workflow]
public partial class ReviewFlow(TimeSpan reviewTime)
{
    /// <summary>Fan-out: each section is reviewed in a branch of its own.</summary>
    [Step]
    public static IReadOnlyList<SectionToReview> Split(DocumentSubmitted document, WorkflowContext ctx)
    {
        IReadOnlyList<(string Heading, string Body)> sections = Sections(document.Text);
        ctx.Store.Set("title", document.Title);
        ctx.WriteToStream(new Progress($"Reviewing \"{document.Title}\": {Plural(sections.Count, "section")}, three reviewers"));
        return [.. sections.Select((section, i) => new SectionToReview(i, section.Heading, section.Body))];
    }

    /// <summary>Up to three sections at once; a flaky reviewer is retried.</summary>
    [Step(Workers = 3, MaxAttempts = 3, RetryDelayMs = 100, Backoff = Backoff.Exponential)]
    public async Task<SectionReviewed> Review(SectionToReview section, WorkflowContext ctx, CancellationToken ct)
    {
        await Task.Delay(reviewTime, ct);
        var findings = new List<string>();
        if (section.Body.Contains("TODO", StringComparison.Ordinal))
        {
            findings.Add($"{section.Heading}: still says TODO");
        }

        int words = section.Body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        if (words < 8)
        {
            findings.Add($"{section.Heading}: only {Plural(words, "word")}");
        }

        int score = Math.Max(0, 100 - (findings.Count * 30));
        ctx.WriteToStream(new Progress($"  reviewed {section.Heading,-14} score {score,3}{(findings.Count > 0 ? $"  ({Plural(findings.Count, "finding")})" : "")}"));
        return new SectionReviewed(section.Index, section.Heading, score, findings);
    }

    /// <summary>Fan-in: runs once every section of this document is back, with the reviews in the document's order.</summary>
    [Step]
    public static ReviewsGathered Gather(IReadOnlyList<SectionReviewed> reviews, WorkflowContext ctx) =>
        new(ctx.Store.Get<string>("title"), reviews);

    /// <summary>Branch: a clean document publishes itself; findings (or an empty document) go to a person.</summary>
    [Step]
    public static OneOf<ReadyToPublish, ApprovalRequested> Triage(ReviewsGathered gathered)
    {
        string[] findings = gathered.Sections.Count == 0
            ? ["the document has no sections"]
            : [.. gathered.Sections.SelectMany(s => s.Findings)];
        return findings.Length == 0
            ? new ReadyToPublish(gathered.Title, "the reviewers")
            : new ApprovalRequested(gathered.Title, findings);
    }

    /// <summary>The person's call, recorded under the name the run was given for them, never one typed into the form.</summary>
    [Step]
    public static OneOf<ReadyToPublish, ReviewCompleted> Decide(ReviewerDecision decision, WorkflowContext ctx)
    {
        string reviewer = decision.AnsweredBy ?? "an unnamed reviewer";
        return decision.Approve
            ? new ReadyToPublish(ctx.Store.Get<string>("title"), reviewer)
            : new ReviewCompleted(ctx.Store.Get<string>("title"), Published: false, $"rejected by {reviewer}{(decision.Comment is { Length: > 0 } comment ? $": {comment}" : "")}");
    }

    [Step]
    public static ReviewCompleted Publish(ReadyToPublish ready) =>
        new(ready.Title, Published: true, $"published, approved by {ready.ApprovedBy}");

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    /// <summary>Splits markdown on "## " headings; text before the first heading is the "Preamble".</summary>
    public static IReadOnlyList<(string Heading, string Body)> Sections(string text)
    {
        var sections = new List<(string, string)>();
        string heading = "Preamble";
        var body = new System.Text.StringBuilder();
        foreach (string line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                if (body.ToString().Trim().Length > 0)
                {
                    sections.Add((heading, body.ToString().Trim()));
                }

                heading = line[3..].Trim();
                body.Clear();
            }
            else
            {
                body.AppendLine(line);
            }
        }

        if (body.ToString().Trim().Length > 0)
        {
            sections.Add((heading, body.ToString().Trim()));
        }

        return sections;
    }
}
