namespace Workflows.Durable;

/// <summary>The store is not a Workflows store, was made by an incompatible version, or is damaged.</summary>
public sealed class WorkflowStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkflowStoreException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong with the store.</param>
    public WorkflowStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong with the store.</param>
    /// <param name="innerException">The database's own error.</param>
    public WorkflowStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>No run has the given id.</summary>
public sealed class WorkflowRunNotFoundException : KeyNotFoundException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="runId">The id asked for.</param>
    public WorkflowRunNotFoundException(string runId)
        : base($"No workflow run has the id '{runId}'.")
    {
        RunId = runId;
    }

    /// <summary>The id asked for.</summary>
    public string RunId { get; } = string.Empty;
}

/// <summary>
/// A stored run started under another shape of its workflow (steps or events changed) than the
/// build now running; resuming it could misread its journal, so it is left as it is.
/// </summary>
public sealed class WorkflowVersionMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which runs, and what changed.</param>
    public WorkflowVersionMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public WorkflowVersionMismatchException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which runs, and what changed.</param>
    /// <param name="innerException">The cause.</param>
    public WorkflowVersionMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
