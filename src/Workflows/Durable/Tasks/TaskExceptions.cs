namespace Workflows.Durable;

/// <summary>There is no task with the id given (or it is not the run's named with it).</summary>
public sealed class TaskNotFoundException : KeyNotFoundException
{
    /// <summary>Creates the exception.</summary>
    public TaskNotFoundException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public TaskNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TaskNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a task id.</summary>
    /// <param name="taskId">The task id.</param>
    public TaskNotFoundException(long taskId)
        : base($"There is no task {taskId}.") => TaskId = taskId;

    /// <summary>Creates the exception for a task id looked for in a run.</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="runId">The run it was looked for in.</param>
    public TaskNotFoundException(long taskId, string runId)
        : base($"Run '{runId}' has no task {taskId}.") => TaskId = taskId;

    /// <summary>The task id.</summary>
    public long TaskId { get; }
}

/// <summary>A person may not do what they asked to a task (or it is closed): nothing changed; the message says why.</summary>
public sealed class TaskRefusedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public TaskRefusedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public TaskRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TaskRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a task and the reason.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="reason">Why, in words.</param>
    public TaskRefusedException(long taskId, string reason)
        : base(reason) => TaskId = taskId;

    /// <summary>The task.</summary>
    public long TaskId { get; }
}
