using System.Collections.Immutable;
using System.Linq;
using Workflows.Generators.Model;

namespace Workflows.Generators.Graph;

/// <summary>The steps that accept every instance of <see cref="Event"/> (and of its subtypes the graph does not name).</summary>
internal sealed record Route(EventRef Event, EquatableArray<int> Steps);

/// <summary>An edge of the graph: from a step (or outside, -1) to a step (or outside, -1).</summary>
internal sealed record Edge(int From, int To, EventRef Event);

/// <summary>What <see cref="GraphRules.Analyze"/> finds in a workflow's steps.</summary>
internal sealed class GraphAnalysis
{
    public GraphAnalysis(
        EventRef? start,
        EventRef? stop,
        ImmutableArray<EventRef> events,
        ImmutableArray<Route> routes,
        ImmutableArray<Edge> edges,
        ImmutableArray<EventRef> inputs,
        ImmutableArray<int> errorHandlers,
        ImmutableArray<GraphProblem> problems)
    {
        Inputs = inputs;
        ErrorHandlers = errorHandlers;
        Start = start;
        Stop = stop;
        Events = events;
        Routes = routes;
        Edges = edges;
        Problems = problems;
    }

    /// <summary>The StartEvent type every other start type derives from, if there is one.</summary>
    public EventRef? Start { get; }

    /// <summary>The StopEvent type every other stop type derives from, if there is one.</summary>
    public EventRef? Stop { get; }

    /// <summary>Every event type named by the workflow, in first-seen order.</summary>
    public ImmutableArray<EventRef> Events { get; }

    /// <summary>The dispatcher's routes, most derived event types first.</summary>
    public ImmutableArray<Route> Routes { get; }

    public ImmutableArray<Edge> Edges { get; }

    /// <summary>For each step, the index of the error handler that covers it, or -1.</summary>
    public ImmutableArray<int> ErrorHandlers { get; }

    /// <summary>What the run takes from outside once started: HumanResponseEvents that steps take or wait for.</summary>
    public ImmutableArray<EventRef> Inputs { get; }

    public ImmutableArray<GraphProblem> Problems { get; }

    /// <summary>For each step that fans out, the joins that close its fan-outs (see <see cref="FanOutRules"/>); empty for the others.</summary>
    public ImmutableArray<EquatableArray<int>> ClosingJoins { get; init; }

    /// <summary>Whether code can be generated: one start, one stop, and no rule broken at error level.</summary>
    public bool IsValid => Start is not null && Stop is not null && !Problems.Any(static p => GraphRules.IsError(p.Rule));
}
