using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Workflows.Generators.Model;

namespace Workflows.Generators.Graph;

/// <summary>
/// Fan-out and fan-in in signatures, as the run carries them: every event has a depth, the number of
/// fan-outs it descends from that no join has closed yet. A step returning a list puts its items one
/// deeper; a join (a step taking <c>IReadOnlyList&lt;T&gt;</c>) takes them one shallower; everything
/// else keeps its input's depth, error handlers included. A join reached at depth 0 would be given an
/// item that descends from no fan-out (WF0028); the joins a fan-out's items reach at depth 1 are the
/// ones that close it (and run with an empty list when it has no items).
/// </summary>
internal static class FanOutRules
{
    /// <summary>WF0028 at each join an event can reach outside any fan-out; and, per step, the joins that close its fan-outs.</summary>
    public static ImmutableArray<EquatableArray<int>> Check(EquatableArray<StepModel> steps, EventRef? start, ImmutableArray<int> handlers, ImmutableArray<GraphProblem>.Builder problems)
    {
        var closing = new EquatableArray<int>[steps.Count];
        for (int s = 0; s < steps.Count; s++)
        {
            closing[s] = EquatableArray<int>.Empty;
        }

        if (!steps.Any(static s => s.Joins || s.FansOut))
        {
            return closing.ToImmutableArray();
        }

        if (start is not null)
        {
            var reported = new HashSet<int>();
            var walk = new Walk(steps, handlers, (join, producer, depth) =>
            {
                if (depth == 0 && reported.Add(join) && !problems.Any(p => p.Step == join))
                {
                    string from = producer >= 0 ? steps[producer].Name : string.Empty;
                    problems.Add(new GraphProblem(GraphRule.JoinWithoutFanOut, join, EventName: steps[join].Accepts.DisplayName, OtherStep: from));
                }
            });
            walk.Arrive(start, 0, -1);
            foreach (StepModel step in steps)
            {
                if (step.Accepts.Role == EventRole.HumanResponse)
                {
                    walk.Arrive(step.Accepts, 0, -1);
                }
            }
        }

        for (int f = 0; f < steps.Count; f++)
        {
            if (!steps[f].FansOut)
            {
                continue;
            }

            var joins = new List<int>();
            var walk = new Walk(steps, handlers, (join, _, depth) =>
            {
                if (depth == 1 && !joins.Contains(join))
                {
                    joins.Add(join);
                }
            });
            walk.Outputs(f, 1);
            joins.Sort();
            closing[f] = joins.ToEquatableArray();
        }

        return closing.ToImmutableArray();
    }

    /// <summary>A walk over (step, depth), each visited once; <c>onJoin</c> hears of every arrival at a join.</summary>
    private sealed class Walk(EquatableArray<StepModel> steps, ImmutableArray<int> handlers, System.Action<int, int, int> onJoin)
    {
        private readonly HashSet<(int Step, int Depth)> _seen = [];

        /// <summary>An event at <paramref name="depth"/>, produced by <paramref name="producer"/> (-1: from outside), reaches the steps that take it.</summary>
        public void Arrive(EventRef ev, int depth, int producer)
        {
            for (int c = 0; c < steps.Count; c++)
            {
                StepModel consumer = steps[c];
                if (consumer.Accepts.Role == EventRole.StepFailed || !consumer.Accepts.IsRelatedTo(ev))
                {
                    continue;
                }

                if (!consumer.Joins)
                {
                    Visit(c, depth);
                    continue;
                }

                onJoin(c, producer, depth);
                if (depth > 0)
                {
                    Visit(c, depth - 1);
                }
            }
        }

        /// <summary>What step <paramref name="s"/> produces, at <paramref name="depth"/>.</summary>
        public void Outputs(int s, int depth)
        {
            // A loop through a fan-out that never joins would deepen forever; past one level per step nothing new is learned.
            if (depth > steps.Count)
            {
                return;
            }

            StepModel step = steps[s];
            foreach (EventRef ev in GraphRules.Produced(step).Select(static p => p.Event).Concat(step.Prompts))
            {
                if (ev.Role != EventRole.Stop)
                {
                    Arrive(ev, depth, s);
                }
            }
        }

        private void Visit(int s, int depth)
        {
            if (!_seen.Add((s, depth)))
            {
                return;
            }

            if (handlers[s] >= 0)
            {
                // A branch's failure reaches its handler in the branch's lineage.
                Visit(handlers[s], depth);
            }

            Outputs(s, steps[s].FansOut ? depth + 1 : depth);
        }
    }
}
