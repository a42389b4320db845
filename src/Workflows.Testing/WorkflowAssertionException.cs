namespace Workflows.Testing;

/// <summary>A test-kit expectation failed; the message says what was expected and what happened.</summary>
public sealed class WorkflowAssertionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was expected and what happened.</param>
    public WorkflowAssertionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public WorkflowAssertionException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was expected and what happened.</param>
    /// <param name="innerException">The cause.</param>
    public WorkflowAssertionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
