namespace DocumentReview;

/// <summary>The document reviewed when no --file is given: one section still says TODO.</summary>
public static class SampleDocument
{
    public const string Title = "Quarterly report";

    public const string Text = """
        ## Summary
        Revenue grew in every region this quarter, led by strong renewals and two new enterprise accounts.

        ## Results
        Gross margin rose to 61 percent. TODO: add the churn numbers from finance before this goes out.

        ## Outlook
        We expect steady growth next quarter as the new pricing takes effect across all plans.

        ## Risks
        Hiring for the platform team is behind plan, which may delay the reporting features customers asked for.
        """;
}
