namespace Workflows.Durable;

/// <summary>
/// The questions durable runs asked of people, as tasks (<see cref="WorkflowRuntime.Tasks"/>): list them,
/// claim, release, delegate and reassign them, and answer them as a person. Each change is decided and
/// made in one store transaction, by <see cref="HumanTaskRecord.Refusal"/>'s rule, and journaled in the
/// task's run; a refusal changes nothing and says why (<see cref="TaskRefusedException"/>).
/// </summary>
/// <example>
/// <code>
/// var ana = new TaskActor("ana", ["legal"]);
/// HumanTaskPage mine = await runtime.Tasks.ListAsync(new HumanTaskQuery { User = ana.UserId, Roles = [.. ana.Roles] });
/// await runtime.Tasks.ClaimAsync(mine.Tasks[0].TaskId, ana);
/// await runtime.Tasks.AnswerAsync(mine.Tasks[0].TaskId, ana, new ReviewDecision(Approved: true));
/// </code>
/// </example>
public sealed class TaskInbox
{
    private readonly WorkflowRuntime _runtime;

    internal TaskInbox(WorkflowRuntime runtime) => _runtime = runtime;

    /// <summary>Tasks matching a query, in its order.</summary>
    /// <param name="query">Which tasks (open ones, newest first, by default).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A page of them, and how many match.</returns>
    public Task<HumanTaskPage> ListAsync(HumanTaskQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return _runtime.Store.ListTasksAsync(query, cancellationToken);
    }

    /// <summary>A task by id.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task, or <see langword="null"/> when there is none.</returns>
    public Task<HumanTaskRecord?> GetAsync(long taskId, CancellationToken cancellationToken = default) => _runtime.Store.GetTaskAsync(taskId, cancellationToken);

    /// <summary>Takes a task: only <paramref name="actor"/> may answer it until they release it.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="actor">Who takes it: one of those who may answer it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task, claimed.</returns>
    /// <exception cref="TaskNotFoundException">There is no such task.</exception>
    /// <exception cref="TaskRefusedException">They may not: it is someone else's, claimed by another, or closed.</exception>
    public Task<HumanTaskRecord> ClaimAsync(long taskId, TaskActor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(new TaskChangeRequest(taskId, TaskAction.Claim, actor), cancellationToken);

    /// <summary>Gives up a claim: their own, or anyone's for an actor who <see cref="TaskActor.MayManage"/>.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="actor">Who releases it.</param>
    /// <param name="reason">Why, for the history.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task, unclaimed.</returns>
    /// <exception cref="TaskNotFoundException">There is no such task.</exception>
    /// <exception cref="TaskRefusedException">It is not claimed, or claimed by someone else, or closed.</exception>
    public Task<HumanTaskRecord> ReleaseAsync(long taskId, TaskActor actor, string? reason = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(new TaskChangeRequest(taskId, TaskAction.Release, actor) { Reason = reason }, cancellationToken);

    /// <summary>Hands a task to one user, who becomes the only one who may answer it (and may claim it).</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="actor">Who hands it on: one of those who may answer it, or an actor who <see cref="TaskActor.MayManage"/>.</param>
    /// <param name="toUser">The user it goes to.</param>
    /// <param name="reason">Why, for the history.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task, delegated.</returns>
    /// <exception cref="TaskNotFoundException">There is no such task.</exception>
    /// <exception cref="TaskRefusedException">They may not.</exception>
    public Task<HumanTaskRecord> DelegateAsync(long taskId, TaskActor actor, string toUser, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(toUser);
        return ChangeAsync(new TaskChangeRequest(taskId, TaskAction.Delegate, actor) { To = toUser.Trim(), Reason = reason }, cancellationToken);
    }

    /// <summary>Changes who may answer a task (its claim is dropped): for an actor who <see cref="TaskActor.MayManage"/>.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="actor">Who reassigns it.</param>
    /// <param name="users">The users who may answer from now on.</param>
    /// <param name="roles">The roles whose members may answer from now on (with no users either: anyone allowed to answer).</param>
    /// <param name="reason">Why, for the history.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task, reassigned.</returns>
    /// <exception cref="TaskNotFoundException">There is no such task.</exception>
    /// <exception cref="TaskRefusedException">They may not.</exception>
    public Task<HumanTaskRecord> ReassignAsync(
        long taskId, TaskActor actor, IReadOnlyList<string> users, IReadOnlyList<string> roles, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(roles);
        if (users.Concat(roles).Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Each user and role a task is reassigned to needs a name; leave both lists empty to let anyone allowed to answer do so.", nameof(users));
        }

        return ChangeAsync(new TaskChangeRequest(taskId, TaskAction.Reassign, actor) { Users = [.. users.Select(u => u.Trim())], Roles = [.. roles.Select(r => r.Trim())], Reason = reason }, cancellationToken);
    }

    /// <summary>
    /// Answers a task as <paramref name="actor"/>: the answer goes into its run (to the step waiting for it,
    /// or the steps that take it) and the task closes, naming them, in one transaction.
    /// </summary>
    /// <param name="taskId">The task.</param>
    /// <param name="actor">Who answers: one of those who may, and its claimant if it is claimed.</param>
    /// <param name="answer">The answer.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    /// <exception cref="TaskNotFoundException">There is no such task.</exception>
    /// <exception cref="TaskRefusedException">They may not answer it, or it is closed.</exception>
    /// <exception cref="ArgumentException">Nothing in the run takes an answer of that type.</exception>
    /// <exception cref="InvalidOperationException">The run has ended.</exception>
    public async Task AnswerAsync(long taskId, TaskActor actor, Event answer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(answer);
        HumanTaskRecord task = await GetAsync(taskId, cancellationToken).ConfigureAwait(false) ?? throw new TaskNotFoundException(taskId);
        await _runtime.SendAsAsync(task.RunId, answer, new Answering(actor.UserId, taskId, actor), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends an answer into a run as <paramref name="actor"/>, for callers that name the run rather than
    /// the task: it answers the task the answer fits (the step waiting for its type, or else the run's
    /// oldest open question), refused like <see cref="AnswerAsync"/> when they may not answer that task.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="actor">Who answers.</param>
    /// <param name="answer">The answer.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    /// <exception cref="WorkflowRunNotFoundException">No run has that id.</exception>
    /// <exception cref="TaskRefusedException">They may not answer the task it answers.</exception>
    /// <exception cref="ArgumentException">Nothing in the run takes an answer of that type.</exception>
    /// <exception cref="InvalidOperationException">The run has ended.</exception>
    public Task AnswerRunAsync(string runId, TaskActor actor, Event answer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return _runtime.SendAsAsync(runId, answer, new Answering(actor.UserId, null, actor), cancellationToken);
    }

    private async Task<HumanTaskRecord> ChangeAsync(TaskChangeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request.Actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Actor.UserId);
        TaskChangeResult result = await _runtime.Store.ChangeTaskAsync(request, cancellationToken).ConfigureAwait(false);
        return result switch
        {
            { Task: null } => throw new TaskNotFoundException(request.TaskId),
            { Refusal: { } refusal } => throw new TaskRefusedException(request.TaskId, refusal),
            _ => result.Task,
        };
    }
}

/// <summary>How an event from outside answers: who sent it, the task it answers (if named) and the person answering (if one).</summary>
internal readonly record struct Answering(string? SentBy, long? TaskId, TaskActor? Answerer);
