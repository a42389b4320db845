namespace Workflows.Generators.Model;

/// <summary>The shape of what a step returns; decides how the dispatcher turns it into an event.</summary>
internal enum ReturnShape
{
    Void,
    Task,
    ValueTask,
    Event,
    TaskOfEvent,
    ValueTaskOfEvent,
    OneOf,
    TaskOfOneOf,
    ValueTaskOfOneOf,

    /// <summary><c>IReadOnlyList&lt;T&gt;</c> or <c>T[]</c>: a fan-out, each item routed on its own.</summary>
    Many,
    TaskOfMany,
    ValueTaskOfMany,
}
