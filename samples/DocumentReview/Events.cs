using Workflows;

namespace DocumentReview;

/// <summary>A document to review, split into sections by its "## " headings.</summary>
public sealed record DocumentSubmitted(string Title, string Text) : StartEvent;

/// <summary>One section, fanned out to the reviewers.</summary>
public sealed record SectionToReview(int Index, string Heading, string Body) : Event;

/// <summary>A reviewer's verdict on one section.</summary>
public sealed record SectionReviewed(int Index, string Heading, int Score, IReadOnlyList<string> Findings) : Event;

/// <summary>Every section is back: fan-in complete.</summary>
public sealed record ReviewsGathered(string Title, IReadOnlyList<SectionReviewed> Sections) : Event;

/// <summary>Written to the stream while the review runs.</summary>
public sealed record Progress(string Message) : Event;

/// <summary>The findings need a person: asks on the stream.</summary>
public sealed record ApprovalRequested(string Title, IReadOnlyList<string> Findings) : InputRequiredEvent;

/// <summary>
/// The person's answer, sent into the run. Who gave it is not a field someone types: the run is told
/// (<see cref="HumanResponseEvent.AnsweredBy"/>), from the server's sign-in or the code that sends it.
/// </summary>
public sealed record ReviewerDecision(bool Approve, string? Comment = null) : HumanResponseEvent;

/// <summary>Cleared for publication, automatically or by a reviewer.</summary>
public sealed record ReadyToPublish(string Title, string ApprovedBy) : Event;

/// <summary>The run's result.</summary>
public sealed record ReviewCompleted(string Title, bool Published, string Outcome) : StopEvent;
