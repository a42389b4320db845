using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Workflows.Generators.Reading;

/// <summary>
/// Reads a step body's operations: what it sends, streams, collects and waits for through its
/// <c>WorkflowContext</c>, and where it blocks a thread. Shared by the generator (which keeps the
/// awaited types) and the analyzers (which report WF0011, WF0012, WF0015, WF0016).
/// </summary>
internal static class StepBodyReader
{
    public static StepBody Read(IMethodSymbol method, IEnumerable<IOperation> blocks, CancellationToken cancellationToken)
    {
        ImmutableArray<BodyCall>.Builder sends = ImmutableArray.CreateBuilder<BodyCall>();
        ImmutableArray<BodyCall>.Builder collects = ImmutableArray.CreateBuilder<BodyCall>();
        ImmutableArray<BodyWait>.Builder waits = ImmutableArray.CreateBuilder<BodyWait>();
        ImmutableArray<BodyBlockingCall>.Builder blocking = ImmutableArray.CreateBuilder<BodyBlockingCall>();
        ImmutableArray<BodyCall>.Builder runs = ImmutableArray.CreateBuilder<BodyCall>();
        ImmutableArray<BodyCall>.Builder streams = ImmutableArray.CreateBuilder<BodyCall>();
        bool escapes = false;

        foreach (IOperation operation in blocks.SelectMany(static block => block.DescendantsAndSelf()))
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (operation)
            {
                case IInvocationOperation invocation:
                    ReadInvocation(invocation, sends, collects, waits, blocking, runs, streams);
                    break;
                case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: { Name: "Overdue" } overdue } } assignment
                    when WellKnownTypes.IsTaskAssignment(overdue.ContainingType) && WrittenType(assignment.Value) is { } late && late.SpecialType == SpecialType.None:
                    // The event a task sends into its run when it is past due: the step sends it, later.
                    sends.Add(new BodyCall(late, assignment.Value.Syntax.GetLocation()) { IsOverdue = true });
                    break;
                case IInvalidOperation invalid when UnboundChildRun(invalid) is { } child:
                    runs.Add(child);
                    break;
                case IPropertyReferenceOperation { Property.Name: "Result" } result when IsTaskOfT(result.Property.ContainingType):
                    blocking.Add(new BodyBlockingCall($"{result.Property.ContainingType.Name}.Result", MemberName(result.Syntax)));
                    break;
                case IParameterReferenceOperation reference when WellKnownTypes.IsWorkflowContext(reference.Parameter.Type) &&
                                                                 SymbolEqualityComparer.Default.Equals(reference.Parameter.ContainingSymbol, method):
                    escapes |= !IsUsedAsReceiver(reference);
                    break;
            }
        }

        return new StepBody(sends.ToImmutable(), collects.ToImmutable(), waits.ToImmutable(), blocking.ToImmutable(), runs.ToImmutable(), streams.ToImmutable(), escapes);
    }

    private static void ReadInvocation(
        IInvocationOperation invocation,
        ImmutableArray<BodyCall>.Builder sends,
        ImmutableArray<BodyCall>.Builder collects,
        ImmutableArray<BodyWait>.Builder waits,
        ImmutableArray<BodyBlockingCall>.Builder blocking,
        ImmutableArray<BodyCall>.Builder runs,
        ImmutableArray<BodyCall>.Builder streams)
    {
        IMethodSymbol target = invocation.TargetMethod;
        if (WellKnownTypes.IsWorkflowContext(target.ContainingType))
        {
            switch (target.Name)
            {
                case "Send" or "SendAfter" or "SendAt" when invocation.Arguments.Length >= 1 && WrittenType(invocation.Arguments[0].Value) is { } sent:
                    sends.Add(new BodyCall(sent, invocation.Arguments[0].Value.Syntax.GetLocation()));
                    break;
                case "WriteToStream" when invocation.Arguments.Length == 1 && WrittenType(invocation.Arguments[0].Value) is { } streamed:
                    streams.Add(new BodyCall(streamed, invocation.Arguments[0].Value.Syntax.GetLocation()));
                    break;
                case "Collect" when target.TypeArguments.Length == 1:
                    collects.Add(new BodyCall(target.TypeArguments[0], MemberName(invocation.Syntax)));
                    break;
                case "RunAsync" when invocation.Arguments.Length > 0 && WrittenType(invocation.Arguments[0].Value) is { } child:
                    runs.Add(new BodyCall(child, MemberName(invocation.Syntax)));
                    break;
                case "WaitForAsync" when target.TypeArguments.Length == 1:
                    ITypeSymbol? prompt = invocation.Arguments.Length > 0 ? WrittenType(invocation.Arguments[0].Value) : null;
                    waits.Add(new BodyWait(target.TypeArguments[0], prompt, MemberName(invocation.Syntax)));
                    break;
            }

            return;
        }

        // A helper given the context declares what it waits for and streams through it: the step's body does it.
        foreach (HelperDeclaration declared in HelperDeclarations.Of(invocation))
        {
            if (declared.Response is { } response)
            {
                waits.Add(new BodyWait(response, declared.Prompt, MemberName(invocation.Syntax)));
            }
            else if (declared.Streamed is { } streamed)
            {
                streams.Add(new BodyCall(streamed, MemberName(invocation.Syntax)));
            }
        }

        string? blocked = target switch
        {
            { Name: "Sleep", ContainingType: { Name: "Thread", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } } => "Thread.Sleep",
            { Name: "Wait" or "WaitAll" or "WaitAny" } when IsTask(target.ContainingType) => $"{target.ContainingType.Name}.{target.Name}",
            { Name: "GetResult", ContainingType.Name: "TaskAwaiter" or "ValueTaskAwaiter" or "ConfiguredTaskAwaiter" or "ConfiguredValueTaskAwaiter" } => "GetAwaiter().GetResult()",
            _ => null,
        };
        if (blocked is not null)
        {
            blocking.Add(new BodyBlockingCall(blocked, MemberName(invocation.Syntax)));
        }
    }

    /// <summary>
    /// <c>ctx.RunAsync(new ChildFlow(), …)</c> as the generator sees it: the child's
    /// <c>IWorkflow&lt;,&gt;</c> implementation is itself generated, so in the compilation the generator
    /// reads the call does not bind yet. The receiver and the first argument still have types.
    /// </summary>
    private static BodyCall? UnboundChildRun(IInvalidOperation invalid)
    {
        if (invalid.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "RunAsync" } access } call &&
            call.ArgumentList.Arguments.Count > 0 &&
            invalid.SemanticModel is { } model &&
            WellKnownTypes.IsWorkflowContext(model.GetTypeInfo(access.Expression).Type) &&
            model.GetTypeInfo(call.ArgumentList.Arguments[0].Expression).Type is { } child)
        {
            return new BodyCall(child, access.Name.GetLocation());
        }

        return null;
    }

    /// <summary>The type as written at the call, before the implicit conversion to the parameter's type.</summary>
    private static ITypeSymbol? WrittenType(IOperation value) =>
        value is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand.Type : value.Type;

    /// <summary>Whether the context is only used as <c>ctx.Member</c> here.</summary>
    private static bool IsUsedAsReceiver(IParameterReferenceOperation reference) => reference.Parent switch
    {
        IInvocationOperation invocation => ReferenceEquals(invocation.Instance, reference),
        IPropertyReferenceOperation property => ReferenceEquals(property.Instance, reference),
        _ => false,
    };

    private static bool IsTask(ITypeSymbol? type) =>
        type is { Name: "Task" or "ValueTask", ContainingNamespace: { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } };

    private static bool IsTaskOfT(INamedTypeSymbol? type) => type is { IsGenericType: true } && IsTask(type);

    /// <summary>The member's name in <c>x.Member(...)</c> or <c>x.Member</c>: the smallest span to underline.</summary>
    private static Location MemberName(SyntaxNode syntax)
    {
        SyntaxNode node = syntax is InvocationExpressionSyntax call ? call.Expression : syntax;
        return node switch
        {
            MemberAccessExpressionSyntax access => access.Name.GetLocation(),
            MemberBindingExpressionSyntax binding => binding.Name.GetLocation(),
            _ => node.GetLocation(),
        };
    }
}
