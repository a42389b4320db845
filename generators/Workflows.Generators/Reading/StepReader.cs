using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Model;

namespace Workflows.Generators.Reading;

/// <summary>
/// Reads one <c>[Step]</c> method: checks its signature against the step shapes of DESIGN.md and
/// reduces it to a <see cref="StepModel"/>. Shared by the generator and the analyzers.
/// </summary>
internal static class StepReader
{
    /// <param name="method">The <c>[Step]</c> method.</param>
    /// <param name="body">What its body does, or <see langword="null"/> when it has none to read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static StepRead Read(IMethodSymbol method, StepBody? body, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ImmutableArray<StepIssue>.Builder issues = ImmutableArray.CreateBuilder<StepIssue>();

        if (method.MethodKind != MethodKind.Ordinary)
        {
            issues.Add(new StepIssue(StepIssueKind.NotOrdinaryMethod));
            return new StepRead(method, null, issues.ToImmutable());
        }

        if (method.IsGenericMethod)
        {
            issues.Add(new StepIssue(StepIssueKind.Generic));
        }

        (EventRef? accepts, bool joins) = ReadEventParameter(method, issues);
        (bool takesContext, bool takesToken) = ReadExtraParameters(method, issues);
        (ReturnShape shape, EquatableArray<EventRef> returns) = ReadReturn(method, issues);
        EquatableArray<EventRef> emits = ReadEmits(method, issues);
        StepOptions options = ReadOptions(method, issues);

        (EquatableArray<EventRef> awaits, EquatableArray<EventRef> prompts) = ReadWaits(body);
        ErrorHandling? catches = ReadCatches(method, issues);
        EquatableArray<ChildWorkflow> calls = ReadCalls(body, cancellationToken);
        StepModel? model = issues.Count == 0 && accepts is not null
            ? new StepModel(method.Name, method.IsStatic, accepts, shape, returns, emits, takesContext, takesToken, options, awaits, prompts, catches, calls, ReadStreams(body), joins)
            : null;
        return new StepRead(method, model, issues.ToImmutable());
    }

    /// <summary>The event the step takes, and whether it joins a list of them (<c>IReadOnlyList&lt;T&gt;</c>).</summary>
    private static (EventRef? Accepts, bool Joins) ReadEventParameter(IMethodSymbol method, ImmutableArray<StepIssue>.Builder issues)
    {
        if (method.Parameters.Length == 0)
        {
            issues.Add(new StepIssue(StepIssueKind.MissingEvent));
            return (null, false);
        }

        IParameterSymbol parameter = method.Parameters[0];
        if (parameter.Type.TypeKind == TypeKind.Error)
        {
            issues.Add(new StepIssue(StepIssueKind.Unresolved, 0));
            return (null, false);
        }

        if (parameter.RefKind != RefKind.None)
        {
            issues.Add(new StepIssue(StepIssueKind.ByRefParameter, 0, SymbolNames.ForDisplay(parameter.Type)));
        }

        ITypeSymbol taken = parameter.Type;
        bool joins = WellKnownTypes.IsList(taken, allowArray: false, out ITypeSymbol item) && IsEventClass(item);
        if (joins)
        {
            taken = item;
        }

        if (taken is not INamedTypeSymbol || !WellKnownTypes.IsEvent(taken))
        {
            issues.Add(new StepIssue(StepIssueKind.EventNotAnEvent, 0, SymbolNames.ForDisplay(parameter.Type)));
            return (null, false);
        }

        return (SymbolNames.Event(taken), joins);
    }

    /// <summary>After the event: an optional WorkflowContext, then an optional CancellationToken, nothing else.</summary>
    private static (bool TakesContext, bool TakesToken) ReadExtraParameters(IMethodSymbol method, ImmutableArray<StepIssue>.Builder issues)
    {
        bool takesContext = false;
        bool takesToken = false;
        for (int i = 1; i < method.Parameters.Length; i++)
        {
            IParameterSymbol parameter = method.Parameters[i];
            if (parameter.Type.TypeKind == TypeKind.Error)
            {
                issues.Add(new StepIssue(StepIssueKind.Unresolved, i));
                continue;
            }

            if (parameter.RefKind != RefKind.None)
            {
                issues.Add(new StepIssue(StepIssueKind.ByRefParameter, i, SymbolNames.ForDisplay(parameter.Type)));
            }
            else if (WellKnownTypes.IsWorkflowContext(parameter.Type) && !takesContext && !takesToken)
            {
                takesContext = true;
            }
            else if (WellKnownTypes.IsCancellationToken(parameter.Type) && !takesToken)
            {
                takesToken = true;
            }
            else
            {
                issues.Add(new StepIssue(StepIssueKind.UnexpectedParameter, i, SymbolNames.ForDisplay(parameter.Type)));
            }
        }

        return (takesContext, takesToken);
    }

    private static (ReturnShape Shape, EquatableArray<EventRef> Returns) ReadReturn(IMethodSymbol method, ImmutableArray<StepIssue>.Builder issues)
    {
        ITypeSymbol returnType = method.ReturnType;
        if (returnType.TypeKind == TypeKind.Error)
        {
            issues.Add(new StepIssue(StepIssueKind.Unresolved));
            return default;
        }

        if (method.ReturnsVoid)
        {
            if (method.IsAsync)
            {
                issues.Add(new StepIssue(StepIssueKind.AsyncVoid));
            }

            return (ReturnShape.Void, EquatableArray<EventRef>.Empty);
        }

        if (WellKnownTypes.IsTask(returnType, out bool isValueTask) && returnType is INamedTypeSymbol task)
        {
            if (!task.IsGenericType)
            {
                return (isValueTask ? ReturnShape.ValueTask : ReturnShape.Task, EquatableArray<EventRef>.Empty);
            }

            ITypeSymbol result = task.TypeArguments[0];
            if (result.TypeKind == TypeKind.Error)
            {
                issues.Add(new StepIssue(StepIssueKind.Unresolved));
                return default;
            }

            if (WellKnownTypes.IsOneOf(result))
            {
                return (isValueTask ? ReturnShape.ValueTaskOfOneOf : ReturnShape.TaskOfOneOf, ReadOneOfArms((INamedTypeSymbol)result, issues));
            }

            if (IsEventClass(result))
            {
                return (isValueTask ? ReturnShape.ValueTaskOfEvent : ReturnShape.TaskOfEvent, Single(result));
            }

            if (WellKnownTypes.IsList(result, allowArray: true, out ITypeSymbol item) && IsEventClass(item))
            {
                return (isValueTask ? ReturnShape.ValueTaskOfMany : ReturnShape.TaskOfMany, Single(item));
            }
        }
        else if (WellKnownTypes.IsOneOf(returnType))
        {
            return (ReturnShape.OneOf, ReadOneOfArms((INamedTypeSymbol)returnType, issues));
        }
        else if (IsEventClass(returnType))
        {
            return (ReturnShape.Event, Single(returnType));
        }
        else if (WellKnownTypes.IsList(returnType, allowArray: true, out ITypeSymbol item) && IsEventClass(item))
        {
            return (ReturnShape.Many, Single(item));
        }

        issues.Add(new StepIssue(StepIssueKind.UnsupportedReturn, -1, SymbolNames.ForDisplay(returnType)));
        return default;
    }

    private static EquatableArray<EventRef> ReadOneOfArms(INamedTypeSymbol oneOf, ImmutableArray<StepIssue>.Builder issues)
    {
        ImmutableArray<EventRef>.Builder arms = ImmutableArray.CreateBuilder<EventRef>(oneOf.TypeArguments.Length);
        foreach (ITypeSymbol arm in oneOf.TypeArguments)
        {
            if (arm.TypeKind == TypeKind.Error)
            {
                issues.Add(new StepIssue(StepIssueKind.Unresolved));
            }
            else if (!IsEventClass(arm))
            {
                // OneOf's own constraints make this a compile error already; report the step shape anyway.
                issues.Add(new StepIssue(StepIssueKind.UnsupportedReturn, -1, SymbolNames.ForDisplay(oneOf)));
            }
            else
            {
                arms.Add(SymbolNames.Event(arm));
            }
        }

        return new EquatableArray<EventRef>(arms.ToImmutable());
    }

    private static EquatableArray<EventRef> ReadEmits(IMethodSymbol method, ImmutableArray<StepIssue>.Builder issues)
    {
        ImmutableArray<EventRef>.Builder emits = ImmutableArray.CreateBuilder<EventRef>();
        int index = 0;
        foreach (AttributeData attribute in method.GetAttributes())
        {
            if (!WellKnownTypes.IsEmitsAttribute(attribute.AttributeClass))
            {
                continue;
            }

            if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is ITypeSymbol emitted)
            {
                if (emitted.TypeKind == TypeKind.Error)
                {
                    issues.Add(new StepIssue(StepIssueKind.Unresolved, index));
                }
                else if (IsEventClass(emitted))
                {
                    emits.Add(SymbolNames.Event(emitted));
                }
                else
                {
                    issues.Add(new StepIssue(StepIssueKind.EmitsNotAnEvent, index, SymbolNames.ForDisplay(emitted)));
                }
            }
            else
            {
                // typeof(...) missing or not constant: the compiler reports it.
                issues.Add(new StepIssue(StepIssueKind.Unresolved, index));
            }

            index++;
        }

        return new EquatableArray<EventRef>(emits.ToImmutable());
    }

    private static StepOptions ReadOptions(IMethodSymbol method, ImmutableArray<StepIssue>.Builder issues)
    {
        StepOptions options = StepOptions.Default;
        foreach (AttributeData attribute in method.GetAttributes())
        {
            if (!WellKnownTypes.IsStepAttribute(attribute.AttributeClass))
            {
                continue;
            }

            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Key == "Queue" && argument.Value.Value is string queue)
                {
                    if (queue.Trim().Length == 0)
                    {
                        issues.Add(new StepIssue(StepIssueKind.InvalidOption, -1, "\"" + queue + "\"", argument.Key));
                    }
                    else
                    {
                        options = options with { Queue = queue };
                    }

                    continue;
                }

                if (argument.Value.Value is not int value)
                {
                    continue;
                }

                bool valid = argument.Key switch
                {
                    "Workers" or "MaxAttempts" => value >= 1,
                    "RetryDelayMs" or "TimeoutMs" => value >= 0,
                    "Backoff" => value is 0 or 1,
                    _ => true,
                };
                if (!valid)
                {
                    issues.Add(new StepIssue(StepIssueKind.InvalidOption, -1, value.ToString(System.Globalization.CultureInfo.InvariantCulture), argument.Key));
                    continue;
                }

                options = argument.Key switch
                {
                    "Workers" => options with { Workers = value },
                    "MaxAttempts" => options with { MaxAttempts = value },
                    "RetryDelayMs" => options with { RetryDelayMs = value },
                    "Backoff" => options with { Backoff = value },
                    "TimeoutMs" => options with { TimeoutMs = value },
                    _ => options,
                };
            }
        }

        return options;
    }

    /// <summary>The step's <c>[CatchErrors(...)]</c>: the step names as written, and its recovery budget.</summary>
    private static ErrorHandling? ReadCatches(IMethodSymbol method, ImmutableArray<StepIssue>.Builder issues)
    {
        foreach (AttributeData attribute in method.GetAttributes())
        {
            if (!WellKnownTypes.IsCatchErrorsAttribute(attribute.AttributeClass))
            {
                continue;
            }

            var steps = new List<string>();
            if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Kind == TypedConstantKind.Array)
            {
                foreach (TypedConstant step in attribute.ConstructorArguments[0].Values)
                {
                    if (step.Value is string name)
                    {
                        steps.Add(name);
                    }
                }
            }

            int maxRecoveries = 1;
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Key == "MaxRecoveries" && argument.Value.Value is int value)
                {
                    if (value < 1)
                    {
                        issues.Add(new StepIssue(StepIssueKind.InvalidOption, -1, value.ToString(System.Globalization.CultureInfo.InvariantCulture), "MaxRecoveries"));
                    }

                    maxRecoveries = value;
                }
            }

            return new ErrorHandling(steps.ToEquatableArray(), maxRecoveries);
        }

        return null;
    }

    /// <summary>The workflows the body runs with <c>ctx.RunAsync</c>, each once, with the events their steps take from outside.</summary>
    private static EquatableArray<ChildWorkflow> ReadCalls(StepBody? body, CancellationToken cancellationToken)
    {
        if (body is null || body.Runs.IsEmpty)
        {
            return EquatableArray<ChildWorkflow>.Empty;
        }

        var calls = new List<ChildWorkflow>();
        foreach (BodyCall run in body.Runs)
        {
            if (run.Type is not INamedTypeSymbol child || !WellKnownTypes.HasAttribute(child, WellKnownTypes.IsWorkflowAttribute))
            {
                continue;
            }

            string typeName = SymbolNames.FullyQualified(child);
            if (calls.Exists(known => known.TypeName == typeName))
            {
                continue;
            }

            // The child's own step signatures (its bodies are not read: its WaitForAsync answers go through WorkflowHandler).
            var inputs = new List<EventRef>();
            foreach (ISymbol member in child.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member is IMethodSymbol { Parameters.Length: > 0 } step && WellKnownTypes.HasAttribute(step, WellKnownTypes.IsStepAttribute) &&
                    IsEventClass(step.Parameters[0].Type) && SymbolNames.Event(step.Parameters[0].Type) is { Role: EventRole.HumanResponse } input && !inputs.Contains(input))
                {
                    inputs.Add(input);
                }
            }

            calls.Add(new ChildWorkflow(typeName, inputs.ToEquatableArray()));
        }

        return calls.ToEquatableArray();
    }

    /// <summary>The event types the body writes to the stream, each once, in order: a durable run must read them back.</summary>
    private static EquatableArray<EventRef> ReadStreams(StepBody? body)
    {
        if (body is null || body.Streams.IsEmpty)
        {
            return EquatableArray<EventRef>.Empty;
        }

        var streams = new List<EventRef>();
        foreach (BodyCall call in body.Streams)
        {
            if (IsEventClass(call.Type) && !call.Type.IsAbstract && SymbolNames.Event(call.Type) is var ev && !streams.Contains(ev))
            {
                streams.Add(ev);
            }
        }

        return streams.ToEquatableArray();
    }

    /// <summary>The response and prompt types of the body's <c>ctx.WaitForAsync</c> calls, each once.</summary>
    private static (EquatableArray<EventRef> Awaits, EquatableArray<EventRef> Prompts) ReadWaits(StepBody? body)
    {
        if (body is null || body.Waits.IsEmpty)
        {
            return (EquatableArray<EventRef>.Empty, EquatableArray<EventRef>.Empty);
        }

        var awaits = new List<EventRef>();
        var prompts = new List<EventRef>();
        foreach (BodyWait wait in body.Waits)
        {
            AddOnce(awaits, wait.Response);
            AddOnce(prompts, wait.Prompt);
        }

        return (awaits.ToEquatableArray(), prompts.ToEquatableArray());

        static void AddOnce(List<EventRef> list, ITypeSymbol? type)
        {
            if (type is not null && IsEventClass(type) && SymbolNames.Event(type) is var ev && !list.Contains(ev))
            {
                list.Add(ev);
            }
        }
    }

    /// <summary>The event types a step's signature names (its event, what it returns, its [Emits]), as symbols, for analyzers.</summary>
    public static IEnumerable<ITypeSymbol> EventTypesOf(IMethodSymbol method)
    {
        if (method.Parameters.Length > 0)
        {
            ITypeSymbol taken = WellKnownTypes.IsList(method.Parameters[0].Type, allowArray: false, out ITypeSymbol item) ? item : method.Parameters[0].Type;
            if (IsEventClass(taken))
            {
                yield return taken;
            }
        }

        ITypeSymbol returned = method.ReturnType;
        if (WellKnownTypes.IsTask(returned, out _) && returned is INamedTypeSymbol { IsGenericType: true } task)
        {
            returned = task.TypeArguments[0];
        }

        if (WellKnownTypes.IsList(returned, allowArray: true, out ITypeSymbol element))
        {
            returned = element;
        }

        IEnumerable<ITypeSymbol> results = WellKnownTypes.IsOneOf(returned) ? ((INamedTypeSymbol)returned).TypeArguments : new[] { returned };
        foreach (ITypeSymbol result in results)
        {
            if (IsEventClass(result))
            {
                yield return result;
            }
        }

        foreach (AttributeData attribute in method.GetAttributes())
        {
            if (WellKnownTypes.IsEmitsAttribute(attribute.AttributeClass) && attribute.ConstructorArguments.Length == 1 &&
                attribute.ConstructorArguments[0].Value is ITypeSymbol emitted && IsEventClass(emitted))
            {
                yield return emitted;
            }
        }
    }

    /// <summary>A class deriving from Workflows.Event (a type parameter, even constrained, is not concrete enough to route).</summary>
    private static bool IsEventClass(ITypeSymbol type) => type is INamedTypeSymbol && WellKnownTypes.IsEvent(type);

    private static EquatableArray<EventRef> Single(ITypeSymbol type) => new(ImmutableArray.Create(SymbolNames.Event(type)));
}
