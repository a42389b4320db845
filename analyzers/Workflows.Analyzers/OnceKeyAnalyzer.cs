using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Workflows.Generators.Reading;

namespace Workflows.Analyzers;

/// <summary>
/// WF0023: a step that uses one literal <c>ctx.OnceAsync</c> key for more than one piece of work —
/// two calls with the same key, or a call with a constant key inside a loop. A durable run records a
/// result per key and fails the step when the key comes again in one execution; in memory each call
/// runs, so the mistake would show only once the workflow is durable.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class OnceKeyAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.RepeatedOnceKey);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterOperationBlockAction(AnalyzeStep);
    }

    private static void AnalyzeStep(OperationBlockAnalysisContext context)
    {
        if (context.OwningSymbol is not IMethodSymbol { ContainingType: { } workflow } method
            || !WellKnownTypes.HasAttribute(method, WellKnownTypes.IsStepAttribute)
            || !WellKnownTypes.HasAttribute(workflow, WellKnownTypes.IsWorkflowAttribute))
        {
            return;
        }

        var seen = new Dictionary<string, List<IInvocationOperation>>(System.StringComparer.Ordinal);
        foreach (IInvocationOperation invocation in context.OperationBlocks.SelectMany(b => b.DescendantsAndSelf()).OfType<IInvocationOperation>().OrderBy(i => i.Syntax.SpanStart))
        {
            if (invocation.TargetMethod.Name != "OnceAsync"
                || !WellKnownTypes.IsWorkflowContext(invocation.TargetMethod.ContainingType)
                || invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0) is not { Value.ConstantValue: { HasValue: true, Value: string key } } argument)
            {
                continue;
            }

            if (InLoop(invocation))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.RepeatedOnceKey, argument.Syntax.GetLocation(), method.Name, key, "inside a loop, so every turn uses it", " (put the loop's index in it)"));
            }
            else if (!seen.TryGetValue(key, out List<IInvocationOperation>? earlier))
            {
                seen.Add(key, [invocation]);
            }
            else
            {
                if (earlier.Any(other => !Exclusive(other, invocation)))
                {
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.RepeatedOnceKey, argument.Syntax.GetLocation(), method.Name, key, "twice", string.Empty));
                }

                earlier.Add(invocation);
            }
        }
    }

    /// <summary>Whether one execution can never make both calls: they sit in different branches of one <c>if</c>, <c>switch</c> or <c>?:</c>.</summary>
    private static bool Exclusive(IOperation first, IOperation second)
    {
        // The child of each ancestor that leads to the first call, so the branch the second call is in can be compared.
        var via = new Dictionary<IOperation, IOperation>();
        for (IOperation child = first; child.Parent is { } parent; child = parent)
        {
            via[parent] = child;
        }

        for (IOperation child = second; child.Parent is { } parent; child = parent)
        {
            if (via.TryGetValue(parent, out IOperation? firstBranch))
            {
                // The innermost operation holding both: different branches of it never run together.
                return firstBranch != child && parent switch
                {
                    IConditionalOperation conditional => firstBranch != conditional.Condition && child != conditional.Condition,
                    ISwitchOperation @switch => firstBranch != @switch.Value && child != @switch.Value,
                    ISwitchExpressionOperation expression => firstBranch != expression.Value && child != expression.Value,
                    _ => false,
                };
            }
        }

        return false;
    }

    /// <summary>Whether the call repeats with its step's loop: inside a loop of the body, not inside a lambda the loop merely defines.</summary>
    private static bool InLoop(IOperation operation)
    {
        for (IOperation? parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            switch (parent)
            {
                case ILoopOperation:
                    return true;
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return false;
            }
        }

        return false;
    }
}
