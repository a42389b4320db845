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

        CheckNames(steps, problems);
        ImmutableArray<int> handlers = CheckErrorHandlers(steps, problems);
        CheckConsumed(steps, start, problems);
        CheckProduced(steps, problems);
        CheckReachable(steps, start, handlers, problems);
        ImmutableArray<EquatableArray<int>> closingJoins = FanOutRules.Check(steps, start, handlers, problems);
        if (stop is not null)
        {
            // Without a StopEvent (WF0002) every step would be "unable to finish": say it once.
            CheckFinishes(steps, problems);
        }

        return new GraphAnalysis(
            start,
            stop,
            CollectEvents(steps, start),
            BuildRoutes(steps, start),
            BuildEdges(steps, start, handlers),
            CollectInputs(steps),
            handlers,
            problems.ToImmutable())
        {
            ClosingJoins = closingJoins,
        };
    }

    /// <summary>Whether breaking <paramref name="rule"/> is an error (no code is generated) rather than a warning.</summary>
    public static bool IsError(GraphRule rule) => rule != GraphRule.NeverFinishes;

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
                case EventRole.StepFailed:
                    // Start events come from the caller, human responses from outside, failures from the engine.
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

    /// <summary>WF0014: step names identify steps in the graph, in errors and in traces.</summary>
    private static void CheckNames(EquatableArray<StepModel> steps, ImmutableArray<GraphProblem>.Builder problems)
    {
        for (int s = 1; s < steps.Count; s++)
        {
            for (int earlier = 0; earlier < s; earlier++)
            {
                if (steps[earlier].Name == steps[s].Name)
                {
                    problems.Add(new GraphProblem(GraphRule.DuplicateName, s, EventName: steps[s].Accepts.DisplayName, OtherEvent: steps[earlier].Accepts.DisplayName));
                    break;
                }
            }
        }
    }

    /// <summary>
    /// WF0009: walks forward from what comes from outside (the StartEvent, HumanResponseEvents that
    /// steps take or wait for); a step no event reaches can never run. Steps already reported by
    /// another rule are left alone.
    /// </summary>
    private static void CheckReachable(EquatableArray<StepModel> steps, EventRef? start, ImmutableArray<int> handlers, ImmutableArray<GraphProblem>.Builder problems)
    {
        if (start is null)
        {
            return;
        }

        var reached = new List<EventRef> { start };
        foreach (StepModel step in steps)
        {
            if (step.Accepts.Role == EventRole.HumanResponse)
            {
                reached.Add(step.Accepts);
            }

            reached.AddRange(step.Awaits);
        }

        // An error handler runs when a step it covers runs (and fails).
        bool[] runs = Fixpoint(
            steps,
            (s, marked) => steps[s].Accepts.Role == EventRole.StepFailed
                ? Enumerable.Range(0, steps.Count).Any(covered => handlers[covered] == s && marked[covered])
                : reached.Any(ev => ev.IsRelatedTo(steps[s].Accepts)),
            s => reached.AddRange(Outputs(steps[s])));
        for (int s = 0; s < steps.Count; s++)
        {
            if (!runs[s] && !problems.Any(p => p.Step == s))
            {
                problems.Add(new GraphProblem(GraphRule.Unreachable, s, EventName: steps[s].Accepts.DisplayName, OtherStep: start.DisplayName));
            }
        }
    }

    /// <summary>
    /// WF0010: walks backward from the events that leave a run (the StopEvent, InputRequiredEvents).
    /// A step that produces something, none of which can lead there, traps every run that reaches it.
    /// Steps that produce nothing are side effects and are left alone, as are steps already reported.
    /// </summary>
    private static void CheckFinishes(EquatableArray<StepModel> steps, ImmutableArray<GraphProblem>.Builder problems)
    {
        bool[] finishes = Fixpoint(
            steps,
            (s, known) => Outputs(steps[s]).Any(ev =>
                ev.Role is EventRole.Stop or EventRole.InputRequired ||
                Enumerable.Range(0, steps.Count).Any(c => known[c] && steps[c].Accepts.IsRelatedTo(ev))),
            static _ => { });

        for (int s = 0; s < steps.Count; s++)
        {
            if (!finishes[s] && Outputs(steps[s]).Any() && !problems.Any(p => p.Step == s))
            {
                problems.Add(new GraphProblem(GraphRule.NeverFinishes, s, EventName: steps[s].Accepts.DisplayName));
            }
        }
    }

    /// <summary>
    /// WF0017 and WF0018: each [CatchErrors] names existing steps other than itself and takes a
    /// StepFailedEvent; every StepFailedEvent consumer has [CatchErrors]; no step has two handlers.
    /// Returns, per step, the handler covering it (-1 for none).
    /// </summary>
    private static ImmutableArray<int> CheckErrorHandlers(EquatableArray<StepModel> steps, ImmutableArray<GraphProblem>.Builder problems)
    {
        int[] handlerOf = Enumerable.Repeat(-1, steps.Count).ToArray();
        for (int h = 0; h < steps.Count; h++)
        {
            StepModel handler = steps[h];
            if (handler.Catches is not { } catches)
            {
                if (handler.Accepts.Role == EventRole.StepFailed)
                {
                    problems.Add(new GraphProblem(GraphRule.FailureEventWithoutCatch, h, EventName: handler.Accepts.DisplayName));
                }

                continue;
            }

            if (handler.Accepts.Role != EventRole.StepFailed)
            {
                problems.Add(new GraphProblem(GraphRule.CatchesWithoutFailureEvent, h, EventName: handler.Accepts.DisplayName));
                continue;
            }

            for (int s = 0; s < steps.Count; s++)
            {
                bool named = catches.Steps.Contains(steps[s].Name);
                bool covered = s != h && (named || (catches.Steps.Count == 0 && steps[s].Catches is null));
                if (!covered)
                {
                    continue;
                }

                if (handlerOf[s] >= 0)
                {
                    problems.Add(new GraphProblem(GraphRule.CatchesOverlap, h, EventSite.CatchErrors, -1, steps[s].Name, steps[handlerOf[s]].Name));
                    continue;
                }

                handlerOf[s] = h;
            }

            for (int i = 0; i < catches.Steps.Count; i++)
            {
                string name = catches.Steps[i];
                if (name == handler.Name)
                {
                    problems.Add(new GraphProblem(GraphRule.CatchesItself, h, EventSite.CatchErrors, i, name));
                }
                else if (!steps.Any(step => step.Name == name))
                {
                    problems.Add(new GraphProblem(GraphRule.CatchesUnknownStep, h, EventSite.CatchErrors, i, name));
                }
            }
        }

        return handlerOf.ToImmutableArray();
    }

    /// <summary>Marks steps until nothing changes: a step is marked when <paramref name="holds"/> says so given the marks so far.</summary>
    private static bool[] Fixpoint(EquatableArray<StepModel> steps, System.Func<int, bool[], bool> holds, System.Action<int> marked)
    {
        bool[] marks = new bool[steps.Count];
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int s = 0; s < steps.Count; s++)
            {
                if (!marks[s] && holds(s, marks))
                {
                    marks[s] = true;
                    marked(s);
                    changed = true;
                }
            }
        }

        return marks;
    }

    /// <summary>Everything a step puts into the run or out of it: returns, [Emits], WaitForAsync prompts.</summary>
    private static IEnumerable<EventRef> Outputs(StepModel step) => Produced(step).Select(static p => p.Event).Concat(step.Prompts);

    private static ImmutableArray<EventRef> CollectInputs(EquatableArray<StepModel> steps)
    {
        var inputs = new List<EventRef>();
        foreach (StepModel step in steps)
        {
            foreach (EventRef ev in step.Awaits.Prepend(step.Accepts).Concat(step.Calls.SelectMany(static c => c.Inputs)))
            {
                if (ev.Role == EventRole.HumanResponse && !inputs.Any(known => known.TypeName == ev.TypeName))
                {
                    inputs.Add(ev);
                }
            }
        }

        return inputs.ToImmutableArray();
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

            foreach (EventRef prompt in step.Prompts)
            {
                Add(prompt);
            }

            foreach (EventRef response in step.Awaits)
            {
                Add(response);
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
            // StopEvents end the run instead; StepFailedEvents go to their handler alone.
            if (ev.Role is EventRole.Stop or EventRole.StepFailed)
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

    private static ImmutableArray<Edge> BuildEdges(EquatableArray<StepModel> steps, EventRef? start, ImmutableArray<int> handlers)
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

            if (handlers[s] >= 0)
            {
                Add(s, handlers[s], steps[handlers[s]].Accepts);
            }
        }

        for (int s = 0; s < steps.Count; s++)
        {
            foreach (EventRef response in steps[s].Awaits)
            {
                Add(-1, s, response);
            }
        }

        for (int s = 0; s < steps.Count; s++)
        {
            foreach (EventRef ev in Outputs(steps[s]))
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
                    if (steps[c].Accepts.Role != EventRole.StepFailed && steps[c].Accepts.IsRelatedTo(ev))
                    {
                        Add(s, c, ev);
                    }
                }
            }
        }

        return edges.ToImmutableArray();
    }
}
