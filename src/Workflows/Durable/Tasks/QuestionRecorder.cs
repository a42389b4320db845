namespace Workflows.Durable;

/// <summary>
/// A question (an <see cref="InputRequiredEvent"/>) as a commit records it: the streamed event and the
/// task it opens, from its <see cref="InputRequiredEvent.Assignment"/>. An assignment that cannot work
/// (an overdue event without a due time, or one no step takes) fails the step's attempt, saying why.
/// </summary>
internal static class QuestionRecorder
{
    public static NewEvent Record(DurableRegistration registration, ClaimedDelivery claim, string producer, Event ev, DateTimeOffset now)
    {
        NewEvent recorded = registration.Record(ev, EventRecordKind.Streamed, producer, []);
        if (ev is not InputRequiredEvent prompt)
        {
            return recorded;
        }

        TaskAssignment assignment = prompt.Assignment ?? s_anyone;
        string asked = $"Step '{producer}' of workflow '{registration.Name}' asked '{ev.GetType().Name}'";
        if (assignment.Users.Concat(assignment.Roles).Any(string.IsNullOrWhiteSpace))
        {
            throw new InvalidTaskAssignmentException($"{asked} with an empty user or role name in its Assignment; name each user and role, or leave the lists empty so anyone allowed to answer may.");
        }

        DateTimeOffset? due = assignment.DueFrom(now);
        NewEvent? overdue = null;
        if (assignment.Overdue is { } late)
        {
            if (due is not { } dueAt)
            {
                throw new InvalidTaskAssignmentException($"{asked} with an overdue event '{late.GetType().Name}' but no due time; set Assignment.DueIn or Assignment.DueAt.");
            }

            List<NewDelivery> deliveries = registration.DeliveriesOf(late, dueAt);
            if (deliveries.Count == 0)
            {
                throw new InvalidTaskAssignmentException(
                    $"{asked} with an overdue event '{late.GetType().Name}' that no step of the workflow takes; add a step that takes it, and declare it on '{producer}' with [Emits(typeof({late.GetType().Name}))].");
            }

            overdue = registration.Record(late, EventRecordKind.Routed, producer, deliveries);
        }

        string title = string.IsNullOrWhiteSpace(assignment.Title) ? ev.GetType().Name : assignment.Title.Trim();
        return recorded with
        {
            Question = new NewTask(claim.DeliveryId, title, assignment.Users, assignment.Roles, assignment.Priority, due) { Overdue = overdue },
        };
    }

    private static readonly TaskAssignment s_anyone = new();
}

/// <summary>A question's <see cref="TaskAssignment"/> cannot work: the step's attempt fails with this.</summary>
internal sealed class InvalidTaskAssignmentException(string message) : InvalidOperationException(message);
