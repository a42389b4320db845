namespace Workflows;

/// <summary>
/// The base of every event that flows through a workflow. Derive your events from
/// <see cref="StartEvent"/>, <see cref="StopEvent"/>, <see cref="InputRequiredEvent"/>,
/// <see cref="HumanResponseEvent"/>, or from <see cref="Event"/> itself for the events steps pass
/// between them.
/// </summary>
/// <example>
/// <code>
/// public sealed record Parsed(string Text) : Event;
/// </code>
/// </example>
public abstract record Event;

/// <summary>
/// The event that starts a run. A workflow consumes exactly one <see cref="StartEvent"/> type; the
/// generated <c>RunAsync</c> takes it as its first parameter.
/// </summary>
public abstract record StartEvent : Event;

/// <summary>
/// The event that ends a run. A workflow produces exactly one <see cref="StopEvent"/> type; it is
/// the typed result of the run's handler. Steps still in flight when it is produced are cancelled.
/// </summary>
public abstract record StopEvent : Event;

/// <summary>
/// An event that asks a human for input. It goes to the run's event stream (see
/// <see cref="WorkflowHandler.StreamEvents"/>); the answer comes back as a
/// <see cref="HumanResponseEvent"/> sent with <see cref="WorkflowHandler.SendEventAsync"/>.
/// </summary>
public abstract record InputRequiredEvent : Event
{
    /// <summary>
    /// Who may answer and by when, in a durable run (the question becomes a task with this assignment);
    /// not part of the event's JSON. None: anyone allowed to answer may, with no due time.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TaskAssignment? Assignment { get; init; }

    /// <summary>Prints the assignment only when there is one, so a question reads in logs and test failures as its members.</summary>
    /// <param name="builder">What the record's <c>ToString</c> writes into.</param>
    /// <returns>Whether anything was printed.</returns>
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (Assignment is null)
        {
            return false;
        }

        builder.Append("Assignment = ").Append(Assignment);
        return true;
    }
}

/// <summary>
/// A human's answer, sent into a running workflow from outside with
/// <see cref="WorkflowHandler.SendEventAsync"/>. It is routed to the steps that consume it, or
/// handed to a step waiting in <see cref="WorkflowContext.WaitForAsync{TResponse}(InputRequiredEvent, CancellationToken)"/>.
/// </summary>
public abstract record HumanResponseEvent : Event
{
    /// <summary>
    /// Who answered, so a step can act on it (record the approver, refuse a self-approval): in a
    /// durable run, the person or API key the server authenticated (the task's <c>CompletedBy</c>),
    /// the name given to <see cref="Durable.WorkflowRuntime.ActingAs"/>, or else what the sender set
    /// here; in memory, what the sender set. <see langword="null"/> when nobody was named.
    /// </summary>
    /// <remarks>
    /// It is not part of the event's JSON: a client cannot claim to be someone else by writing it in
    /// an answer's body, a form made from the event's schema has no field for it, and adding it
    /// changes no stored shape. The journal records it beside the answer, and a durable step reads
    /// it back from there, also when it runs again.
    /// </remarks>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? AnsweredBy { get; init; }
}
