using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace Workflows.AI;

/// <summary>
/// A step asks a language model for a typed answer: the model is asked for JSON matching the type's
/// schema, the answer is parsed and validated, a malformed one is sent back with what is wrong (a
/// bounded number of times), and the call is done once — a durable run records the answer, so
/// recovery or a re-run of the step never bills the call twice.
/// </summary>
public static class ModelSteps
{
    /// <summary>
    /// Asks <paramref name="client"/> for a <typeparamref name="T"/>: requests structured output with the
    /// type's JSON schema, parses the answer with <paramref name="json"/>, checks it with
    /// <paramref name="validate"/>, and sends a malformed or invalid answer back with the error, at
    /// most <see cref="ModelCallOptions.MaxRepairs"/> times; then fails the step with a
    /// <see cref="ModelOutputException"/> that quotes the last answer. Done once per step delivery
    /// (<see cref="WorkflowContext.OnceAsync"/>): a durable run records the answer in its journal. Writes
    /// a <see cref="ModelUsage"/> to the run's stream.
    /// </summary>
    /// <typeparam name="T">The answer's type: an event the step returns, or any type <paramref name="json"/> can read.</typeparam>
    /// <param name="context">The step's context.</param>
    /// <param name="key">Names the call within the step (see <see cref="WorkflowContext.OnceAsync"/>).</param>
    /// <param name="client">The model.</param>
    /// <param name="messages">The conversation to answer.</param>
    /// <param name="json">Options whose resolver covers <typeparamref name="T"/>, e.g. <c>AppJson.Default.Options</c> (source-generated: trimming- and AOT-safe).</param>
    /// <param name="validate">Returns what is wrong with a parsed answer, or <see langword="null"/> when it is fine.</param>
    /// <param name="options">Chat options, repairs, prices.</param>
    /// <param name="cancellationToken">Cancels the call (the step's timeout and the run's cancellation do too).</param>
    /// <returns>The answer.</returns>
    /// <exception cref="ModelOutputException">The model never gave a valid answer.</exception>
    /// <example>
    /// <code>
    /// [Step]
    /// public async Task&lt;Classified&gt; Classify(TicketOpened ticket, WorkflowContext ctx, CancellationToken ct) =&gt;
    ///     await ctx.AskModelAsync&lt;Classified&gt;("classify", _chat,
    ///         [new(ChatRole.System, "Classify the support ticket."), new(ChatRole.User, ticket.Text)],
    ///         SupportJson.Default.Options, c =&gt; c.Keywords.Count == 0 ? "give at least one keyword" : null, cancellationToken: ct);
    /// </code>
    /// </example>
    [Streams(typeof(ModelUsage))]
    public static async Task<T> AskModelAsync<T>(
        this WorkflowContext context,
        string key,
        IChatClient client,
        IEnumerable<ChatMessage> messages,
        JsonSerializerOptions json,
        Func<T, string?>? validate = null,
        ModelCallOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(json);
        options = ModelCallOptions.For(context, client, messages, options);
        var type = (JsonTypeInfo<T>)json.GetTypeInfo(typeof(T));
        (T value, RecordedReply reply) = await ModelCall.AskAsync(context, key, client, messages, type, validate, options, cancellationToken).ConfigureAwait(false);
        ModelCall.Usage(context, key, reply, options);
        return value;
    }

    /// <summary>
    /// Asks <paramref name="client"/> for a text answer, once per step delivery (a durable run records
    /// it), and writes a <see cref="ModelUsage"/> to the run's stream.
    /// </summary>
    /// <param name="context">The step's context.</param>
    /// <param name="key">Names the call within the step.</param>
    /// <param name="client">The model.</param>
    /// <param name="messages">The conversation to answer.</param>
    /// <param name="options">Chat options and prices.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer's text.</returns>
    [Streams(typeof(ModelUsage))]
    public static async Task<string> AskModelTextAsync(
        this WorkflowContext context,
        string key,
        IChatClient client,
        IEnumerable<ChatMessage> messages,
        ModelCallOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options = ModelCallOptions.For(context, client, messages, options);
        return await TextAsync(context, key, options, ModelCall.TurnAsync(context, key, client, [.. messages], options.Chat?.Clone() ?? new ChatOptions(), cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// Like <see cref="AskModelTextAsync"/>, but streams the answer: each piece goes to the run's
    /// followers as a <see cref="ModelDelta"/> as the model writes it (in order, live only, never
    /// recorded), and the whole answer is recorded once it is complete. A re-run of the step gets the
    /// recorded answer at once, without deltas.
    /// </summary>
    /// <param name="context">The step's context.</param>
    /// <param name="key">Names the call within the step.</param>
    /// <param name="client">The model.</param>
    /// <param name="messages">The conversation to answer.</param>
    /// <param name="options">Chat options and prices.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The whole answer's text.</returns>
    [Streams(typeof(ModelUsage))]
    [Streams(typeof(ModelDelta))]
    public static async Task<string> StreamModelTextAsync(
        this WorkflowContext context,
        string key,
        IChatClient client,
        IEnumerable<ChatMessage> messages,
        ModelCallOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options = ModelCallOptions.For(context, client, messages, options);
        return await TextAsync(context, key, options, ModelCall.StreamAsync(context, key, client, [.. messages], options.Chat?.Clone() ?? new ChatOptions(), cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>A text call's end: its usage streamed once, its text returned.</summary>
    private static async Task<string> TextAsync(WorkflowContext context, string key, ModelCallOptions options, Task<RecordedReply> call)
    {
        RecordedReply reply = await call.ConfigureAwait(false);
        ModelCall.Usage(context, key, reply, options);
        return ModelCall.TextOf(reply);
    }
}
