namespace Workflows.Engine;

/// <summary>A sub-workflow run inside an in-memory step: its streamed events go to the parent's stream, its result is the step's. (A durable step runs its child as a durable run of its own.)</summary>
internal static class ChildRuns
{
    /// <summary>Forwards <paramref name="child"/>'s streamed events (not its StopEvent) to <paramref name="parent"/>'s stream, then returns its result or rethrows its error.</summary>
    public static async Task<TStop> ForwardAsync<TStop>(WorkflowHandler<TStop> child, IStepHost parent)
        where TStop : StopEvent
    {
        await foreach (Event ev in child.StreamEvents(CancellationToken.None).ConfigureAwait(false))
        {
            if (ev is not TStop)
            {
                parent.WriteToStream(ev);
            }
        }

        return await child.Result.ConfigureAwait(false);
    }
}
