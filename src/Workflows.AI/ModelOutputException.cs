namespace Workflows.AI;

/// <summary>A model's answer never conformed to the type the step asked for, after every repair: the message quotes the last answer and says what is wrong with it.</summary>
public sealed class ModelOutputException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelOutputException()
    {
        LastAnswer = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public ModelOutputException(string message)
        : base(message)
    {
        LastAnswer = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ModelOutputException(string message, Exception innerException)
        : base(message, innerException)
    {
        LastAnswer = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="lastAnswer">What the model answered last, in full.</param>
    public ModelOutputException(string message, string lastAnswer)
        : base(message)
    {
        LastAnswer = lastAnswer;
    }

    /// <summary>What the model answered last, in full.</summary>
    public string LastAnswer { get; }
}
