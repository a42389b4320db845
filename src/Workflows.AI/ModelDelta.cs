namespace Workflows.AI;

/// <summary>
/// A piece of a model's answer as it is written, from <see cref="ModelSteps.StreamModelTextAsync"/>:
/// live only (<see cref="WorkflowContext.WriteLive"/>), never recorded; the whole answer is.
/// </summary>
/// <param name="Key">The call's key in its step.</param>
/// <param name="MessageId">Which answer the piece belongs to: the same for all pieces of one.</param>
/// <param name="Index">Its position in the answer, from 0, without gaps.</param>
/// <param name="Text">The text it adds.</param>
public sealed record ModelDelta(string Key, string MessageId, int Index, string Text) : Event;
