using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Workflows.Generators.Model;

namespace Workflows.Generators.Graph;

/// <summary>
/// The rules of a workflow graph, as one pure function of the model. The generator and the
/// analyzers both call it, so they can never disagree on what the graph is.
/// </summary>
/// <remarks>
/// A step accepts an event when the event's type is the step's parameter type or derives from it.
/// For "is it produced / consumed" the rules are lenient in the other direction too: a step that
/// returns a base type may produce any subtype at run time.
/// </remarks>
internal static class GraphRules
{
    public static GraphAnalysis Analyze(WorkflowModel workflow)
    {
        EquatableArray<StepModel> steps = workflow.Steps;
        ImmutableArray<GraphProblem>.Builder problems = ImmutableArray.CreateBuilder<GraphProblem>();

        EventRef? start = FindRoot(steps, problems, isStart: true);
        EventRef? stop = FindRoot(steps, problems, isStart: false);
        if (start is null && !problems.Any(static p => p.Rule == GraphRule.SecondStart))
        {
            problems.Add(new GraphProblem(GraphRule.NoStart));
        }

        if (stop is null && !problems.Any(static p => p.Rule == GraphRule.SecondStop))
        {
            problems.Add(new GraphProblem(GraphRule.NoStop));
        }

        CheckConsumed(steps, start, problems);
        CheckProduced(steps, problems);

        return new GraphAnalysis(
            start,
            stop,
            CollectEvents(steps, start),
            BuildRoutes(steps, start),
            BuildEdges(steps, start),
            problems.ToImmutable());
    }

    /// <summary>Every event a step returns, then every event it declares with [Emits].</summary>
    public static IEnumerable<(EventRef Event, EventSite Site, int Index)> Produced(StepModel step)
    {
        for (int i = 0; i < step.Returns.Count; i++)
        {
            yield return (step.Returns[i], EventSite.Return, i);
        }

        for (int i = 0; i < step.Emits.Count; i++)
        {
            yield return (step.Emits[i], EventSite.Emits, i);
        }
    }

    /// <summary>
    /// The single Start (consumed) or Stop (produced) type: the one every other such type derives
    /// from. Unrelated extra types are WF0006 problems at the step that brings them.
    /// </summary>
    private static EventRef? FindRoot(EquatableArray<StepModel> steps, ImmutableArray<GraphProblem>.Builder problems, bool isStart)
    {
        var found = new List<(EventRef Event, int Step, EventSite Site, int Index)>();
        for (int s = 0; s < steps.Count; s++)
        {
            if (isStart)
            {
                if (steps[s].Accepts.Role == EventRole.Start)
                {
                    found.Add((steps[s].Accepts, s, EventSite.Parameter, 0));
                }
            }
            else
            {
                foreach ((EventRef ev, EventSite site, int index) in Produced(steps[s]))
                {
                    if (ev.Role == EventRole.Stop)
                    {
                        found.Add((ev, s, site, index));
                    }
                }
            }
        }

        if (found.Count == 0)
        {
            return null;
        }

        foreach (var candidate in found)
        {
            if (found.All(other => other.Event.IsAssignableTo(candidate.Event)))
            {
                return candidate.Event;
            }
        }

        // No root: some type is unrelated to the first one found (if all were related, the most
        // general of them would be a root). Each unrelated one is the extra start/stop type.
        var first = found[0];
        foreach (var other in found)
        {
            if (!other.Event.IsRelatedTo(first.Event))
            {
                problems.Add(new GraphProblem(
                    isStart ? GraphRule.SecondStart : GraphRule.SecondStop,
                    other.Step,
                    other.Site,
                    other.Index,
                    other.Event.DisplayName,
                    steps[first.Step].Name,
                    first.Event.DisplayName));
            }
        }

        return null;
    }

    /// <summary>WF0008 and WF0003: what a step takes must be something the run can receive.</summary>
    private static void CheckConsumed(EquatableArray<StepModel> steps, EventRef? start, ImmutableArray<GraphProblem>.Builder problems)
    {
        for (int s = 0; s < steps.Count; s++)
        {
            EventRef accepts = steps[s].Accepts;
            switch (accepts.Role)
            {
                case EventRole.Stop:
                    problems.Add(new GraphProblem(GraphRule.ConsumesStop, s, EventName: accepts.DisplayName));
                    continue;
                case EventRole.Start:
                case EventRole.HumanResponse:
                    // Start events come from the caller; human responses from outside.
                    continue;
            }

            bool produced = start is not null && start.IsRelatedTo(accepts);
            for (int p = 0; p < steps.Count && !produced; p++)
            {
                produced = Produced(steps[p]).Any(x => x.Event.IsRelatedTo(accepts));
            }

            if (!produced)
            {
                problems.Add(new GraphProblem(GraphRule.NeverProduced, s, EventName: accepts.DisplayName));
            }
        }
    }

    /// <summary>WF0004: what a step produces must reach a step (the StopEvent and InputRequiredEvents leave the run).</summary>
    private static void CheckProduced(EquatableArray<StepModel> steps, ImmutableArray<GraphProblem>.Builder problems)
    {
        for (int s = 0; s < steps.Count; s++)
        {
            foreach ((EventRef ev, EventSite site, int index) in Produced(steps[s]))
            {
                if (ev.Role is EventRole.Stop or EventRole.InputRequired)
                {
                    continue;
                }

                if (!steps.Any(consumer => consumer.Accepts.IsRelatedTo(ev)))
                {
                    problems.Add(new GraphProblem(GraphRule.NeverConsumed, s, site, index, ev.DisplayName));
                }
            }
        }
    }

    private static ImmutableArray<EventRef> CollectEvents(EquatableArray<StepModel> steps, EventRef? start)
    {
        var events = new List<EventRef>();
        void Add(EventRef ev)
        {
            if (!events.Any(known => known.TypeName == ev.TypeName))
            {
                events.Add(ev);
            }
        }

        if (start is not null)
        {
            Add(start);
        }

        foreach (StepModel step in steps)
        {
            Add(step.Accepts);
            foreach (var produced in Produced(step))
            {
                Add(produced.Event);
            }
        }

        return events.ToImmutableArray();
    }

    /// <summary>
    /// For every event type the graph names (but StopEvents, which end the run instead), the steps
    /// whose parameter type it is assignable to. Sorted most derived first, so a type switch over
    /// them picks the nearest known type of any runtime event.
    /// </summary>
    private static ImmutableArray<Route> BuildRoutes(EquatableArray<StepModel> steps, EventRef? start)
    {
        var routes = new List<Route>();
        foreach (EventRef ev in CollectEvents(steps, start))
        {
            if (ev.Role == EventRole.Stop)
            {
                continue;
            }

            var accepting = new List<int>();
            for (int s = 0; s < steps.Count; s++)
            {
                if (ev.IsAssignableTo(steps[s].Accepts))
                {
                    accepting.Add(s);
                }
            }

            if (accepting.Count > 0)
            {
                routes.Add(new Route(ev, accepting.ToEquatableArray()));
            }
        }

        return routes
            .OrderByDescending(static r => r.Event.Depth)
            .ThenBy(static r => r.Event.TypeName, System.StringComparer.Ordinal)
            .ToImmutableArray();
    }

    private static ImmutableArray<Edge> BuildEdges(EquatableArray<StepModel> steps, EventRef? start)
    {
        var edges = new List<Edge>();
        void Add(int from, int to, EventRef ev)
        {
            if (!edges.Any(e => e.From == from && e.To == to && e.Event.TypeName == ev.TypeName))
            {
                edges.Add(new Edge(from, to, ev));
            }
        }

        for (int s = 0; s < steps.Count; s++)
        {
            EventRef accepts = steps[s].Accepts;
            if (start is not null && accepts.IsRelatedTo(start))
            {
                Add(-1, s, start);
            }
            else if (accepts.Role == EventRole.HumanResponse)
            {
                Add(-1, s, accepts);
            }
        }

        for (int s = 0; s < steps.Count; s++)
        {
            foreach ((EventRef ev, _, _) in Produced(steps[s]))
            {
                if (ev.Role is EventRole.Stop or EventRole.InputRequired)
                {
                    Add(s, -1, ev);
                }

                if (ev.Role == EventRole.Stop)
                {
                    continue;
                }

                for (int c = 0; c < steps.Count; c++)
                {
                    if (steps[c].Accepts.IsRelatedTo(ev))
                    {
                        Add(s, c, ev);
                    }
                }
            }
        }

        return edges.ToImmutableArray();
    }
}
