using System.ComponentModel;

namespace Workflows.Infrastructure;

/// <summary>
/// Turns each step return shape into the engine's <c>ValueTask&lt;Event?&gt;</c>. Synchronous and
/// already-completed results take no allocation; the generated dispatcher picks the overload.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class StepResult
{
    /// <summary>A step that returned nothing (<see langword="void"/>).</summary>
    public static ValueTask<Event?> None => default;

    /// <summary>A step that returned an event, or <see langword="null"/> for nothing.</summary>
    /// <param name="ev">The event.</param>
    /// <returns>The result.</returns>
    public static ValueTask<Event?> Of(Event? ev) => new(ev);

    /// <summary>A step that returned a <see cref="Task"/>.</summary>
    /// <param name="task">The task.</param>
    /// <returns>The result.</returns>
    public static ValueTask<Event?> OfTask(Task task)
    {
        NotNull(task);
        return task.IsCompletedSuccessfully ? default : AwaitAsync(task);

        static async ValueTask<Event?> AwaitAsync(Task task)
        {
            await task.ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>A step that returned a <see cref="ValueTask"/>.</summary>
    /// <param name="task">The task.</param>
    /// <returns>The result.</returns>
    public static ValueTask<Event?> OfValueTask(ValueTask task)
    {
        if (task.IsCompletedSuccessfully)
        {
            task.GetAwaiter().GetResult();
            return default;
        }

        return AwaitAsync(task);

        static async ValueTask<Event?> AwaitAsync(ValueTask task)
        {
            await task.ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>A step that returned a <see cref="Task{TResult}"/> of an event.</summary>
    /// <typeparam name="T">The event type.</typeparam>
    /// <param name="task">The task.</param>
    /// <returns>The result.</returns>
    public static ValueTask<Event?> OfTask<T>(Task<T> task)
        where T : Event?
    {
        NotNull(task);
        return task.IsCompletedSuccessfully ? new ValueTask<Event?>(task.Result) : AwaitAsync(task);

        static async ValueTask<Event?> AwaitAsync(Task<T> task) => await task.ConfigureAwait(false);
    }

    /// <summary>A step that returned a <see cref="ValueTask{TResult}"/> of an event.</summary>
    /// <typeparam name="T">The event type.</typeparam>
    /// <param name="task">The task.</param>
    /// <returns>The result.</returns>
    public static ValueTask<Event?> OfValueTask<T>(ValueTask<T> task)
        where T : Event?
    {
        return task.IsCompletedSuccessfully ? new ValueTask<Event?>(task.Result) : AwaitAsync(task);

        static async ValueTask<Event?> AwaitAsync(ValueTask<T> task) => await task.ConfigureAwait(false);
    }

    /// <summary>A step that returned a <c>OneOf&lt;…&gt;</c>.</summary>
    /// <typeparam name="T">The <c>OneOf</c> type.</typeparam>
    /// <param name="oneOf">The value.</param>
    /// <returns>The result.</returns>
    public static ValueTask<Event?> OfOneOf<T>(T oneOf)
        where T : struct, IOneOf => new(oneOf.Value);

    /// <summary>A step that returned a <see cref="Task{TResult}"/> of a <c>OneOf&lt;…&gt;</c>.</summary>
    /// <typeparam name="T">The <c>OneOf</c> type.</typeparam>
    /// <param name="task">The task.</param>
    /// <returns>The result.</returns>
    public static ValueTask<Event?> OfOneOfTask<T>(Task<T> task)
        where T : struct, IOneOf
    {
        NotNull(task);
        return task.IsCompletedSuccessfully ? new ValueTask<Event?>(task.Result.Value) : AwaitAsync(task);

        static async ValueTask<Event?> AwaitAsync(Task<T> task) => (await task.ConfigureAwait(false)).Value;
    }

    /// <summary>A step that returned a <see cref="ValueTask{TResult}"/> of a <c>OneOf&lt;…&gt;</c>.</summary>
    /// <typeparam name="T">The <c>OneOf</c> type.</typeparam>
    /// <param name="task">The task.</param>
    /// <returns>The result.</returns>
    public static ValueTask<Event?> OfOneOfValueTask<T>(ValueTask<T> task)
        where T : struct, IOneOf
    {
        return task.IsCompletedSuccessfully ? new ValueTask<Event?>(task.Result.Value) : AwaitAsync(task);

        static async ValueTask<Event?> AwaitAsync(ValueTask<T> task) => (await task.ConfigureAwait(false)).Value;
    }

    /// <summary>A fan-out: the list a step returned, each item of which the run routes as an event of its own.</summary>
    /// <param name="items">The list.</param>
    /// <returns>The items, as one <see cref="EventList"/>.</returns>
    public static ValueTask<Event?> OfMany(IReadOnlyList<Event>? items) => new(Many(items));

    /// <summary>A fan-out returned by an asynchronous step.</summary>
    /// <typeparam name="TList">The list type the step returns (<c>IReadOnlyList&lt;T&gt;</c> or <c>T[]</c>).</typeparam>
    /// <param name="task">The step's task.</param>
    /// <returns>The items, as one <see cref="EventList"/>.</returns>
    public static ValueTask<Event?> OfManyTask<TList>(Task<TList> task)
        where TList : IReadOnlyList<Event>?
    {
        NotNull(task);
        return task.IsCompletedSuccessfully ? new ValueTask<Event?>(Many(task.Result)) : AwaitAsync(task);

        static async ValueTask<Event?> AwaitAsync(Task<TList> task) => Many(await task.ConfigureAwait(false));
    }

    /// <summary>A fan-out returned by an asynchronous step as a <see cref="ValueTask{TResult}"/>.</summary>
    /// <typeparam name="TList">The list type the step returns (<c>IReadOnlyList&lt;T&gt;</c> or <c>T[]</c>).</typeparam>
    /// <param name="task">The step's task.</param>
    /// <returns>The items, as one <see cref="EventList"/>.</returns>
    public static ValueTask<Event?> OfManyValueTask<TList>(ValueTask<TList> task)
        where TList : IReadOnlyList<Event>?
    {
        return task.IsCompletedSuccessfully ? new ValueTask<Event?>(Many(task.Result)) : AwaitAsync(task);

        static async ValueTask<Event?> AwaitAsync(ValueTask<TList> task) => Many(await task.ConfigureAwait(false));
    }

    private static EventList Many(IReadOnlyList<Event>? items) =>
        new(items ?? throw new InvalidOperationException("A step that fans out returned a null list. Return an empty list (Array.Empty<T>()) when there is nothing to fan out."));

    private static void NotNull(Task task)
    {
        if (task is null)
        {
            throw new InvalidOperationException("A step returned a null Task. Return a completed task instead (Task.CompletedTask, Task.FromResult).");
        }
    }
}
