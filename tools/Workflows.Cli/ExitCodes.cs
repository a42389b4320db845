namespace Workflows.Cli;

/// <summary>What the tool's exit code means, so scripts can tell a refusal from an outage.</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Something unexpected went wrong.</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong (unknown command, missing option).</summary>
    public const int Usage = 2;

    /// <summary>No run, schedule or workflow has that id or name.</summary>
    public const int NotFound = 3;

    /// <summary>Refused: the run's status does not allow it, or the request was invalid.</summary>
    public const int Refused = 4;

    /// <summary>The store or server could not be reached.</summary>
    public const int Unavailable = 5;

    /// <summary>The server did not accept the key, or the key may not do that.</summary>
    public const int NotAllowed = 6;
}

/// <summary>A failure the tool reports in one line and exits with.</summary>
/// <param name="exitCode">The exit code.</param>
/// <param name="message">What went wrong, and what to do.</param>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    /// <summary>The exit code.</summary>
    public int ExitCode { get; } = exitCode;
}
