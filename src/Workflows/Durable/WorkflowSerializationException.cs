namespace Workflows.Durable;

/// <summary>
/// A durable run could not store or read one of its values: the workflow's JSON context does not
/// cover a type it stores (an event, a subtype of one, a state value), or stored JSON no longer fits
/// the type. The message names the type and what to add; a step whose delivery meets it fails that
/// attempt, follows its retry policy, and then fails its run (or goes to its error handler).
/// </summary>
public sealed class WorkflowSerializationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkflowSerializationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What could not be stored or read, and what to do.</param>
    public WorkflowSerializationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What could not be stored or read, and what to do.</param>
    /// <param name="innerException">The serializer's own error.</param>
    public WorkflowSerializationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
