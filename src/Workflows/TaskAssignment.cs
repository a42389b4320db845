namespace Workflows;

/// <summary>
/// Who may answer a question and by when: set on an <see cref="InputRequiredEvent"/>
/// (<see cref="InputRequiredEvent.Assignment"/>), it makes the question a task in a durable run's
/// store that people can claim, hand on and answer from the inbox (<c>WorkflowRuntime.Tasks</c>, the
/// server's <c>/api/tasks</c>). A question without one is a task anyone allowed to answer may take.
/// </summary>
/// <example>
/// <code>
/// [Step, Emits(typeof(ReviewOverdue))]
/// private static ReviewRequested Ask(Submitted doc) => new(doc.Id)
/// {
///     Assignment = new()
///     {
///         Title = $"Review {doc.Title}",
///         Roles = ["legal"],
///         DueIn = TimeSpan.FromHours(4),
///         Overdue = new ReviewOverdue(doc.Id),   // sent into the run if nobody has answered by then
///     },
/// };
/// </code>
/// </example>
public sealed record TaskAssignment
{
    /// <summary>What the task is, for people scanning an inbox; the question's type name when not given.</summary>
    public string? Title { get; init; }

    /// <summary>The users (ids, as the server's authentication names them) who may answer.</summary>
    public IReadOnlyList<string> Users { get; init; } = [];

    /// <summary>The roles whose members may answer. With neither users nor roles, anyone allowed to answer may.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Higher first in an inbox sorted by priority; 0 by default.</summary>
    public int Priority { get; init; }

    /// <summary>How long after the question is asked the answer is due.</summary>
    public TimeSpan? DueIn { get; init; }

    /// <summary>When the answer is due (wins over <see cref="DueIn"/>).</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>
    /// An event sent into the run once the task is past due and still unanswered, for a step that takes
    /// it to remind, reassign or decide by default. Declare it on the step that asks
    /// (<c>[Emits(typeof(...))]</c>) so the graph, and the analyzers, know it; a step must take it.
    /// </summary>
    public Event? Overdue { get; init; }

    /// <summary>When the answer is due for a question asked at <paramref name="askedAt"/>, if ever.</summary>
    /// <param name="askedAt">When the question was asked.</param>
    /// <returns>The due time, or <see langword="null"/>.</returns>
    public DateTimeOffset? DueFrom(DateTimeOffset askedAt) => DueAt ?? (DueIn is { } within ? askedAt + within : null);
}
