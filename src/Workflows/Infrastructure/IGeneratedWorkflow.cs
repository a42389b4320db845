using System.ComponentModel;

namespace Workflows.Infrastructure;

/// <summary>
/// What the source generator adds to every non-static workflow class so engines other than
/// <c>RunAsync</c> (the durable runtime) can run it: its definition, and a dispatcher bound to an instance.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IGeneratedWorkflow
{
    /// <summary>The workflow's definition.</summary>
    static abstract WorkflowDefinition Definition { get; }

    /// <summary>A dispatcher that calls this instance's steps.</summary>
    /// <returns>The dispatcher.</returns>
    WorkflowDispatcher CreateDispatcher();
}
