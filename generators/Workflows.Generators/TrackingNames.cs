namespace Workflows.Generators;

/// <summary>The names of the generator's pipeline steps, so tests can check what each step did.</summary>
internal static class TrackingNames
{
    /// <summary>Every <c>[Workflow]</c> class, read into a model (null when it cannot get code).</summary>
    public const string Workflows = nameof(Workflows);

    /// <summary>The workflows whose declaration, steps and graph are all valid: those that get code.</summary>
    public const string ValidWorkflows = nameof(ValidWorkflows);

    /// <summary>The workflows whose graph has errors: those that get stand-in members.</summary>
    public const string InvalidWorkflows = nameof(InvalidWorkflows);
}
