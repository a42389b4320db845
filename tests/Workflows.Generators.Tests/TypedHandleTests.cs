using Microsoft.CodeAnalysis;
using Workflows.Testing.Compiler;

namespace Workflows.Generators.Tests;

/// <summary>The generated handler accepts only the events the workflow takes from outside, at compile time.</summary>
public class TypedHandleTests
{
    private const string Workflow = """
        using System.Threading.Tasks;
        using Workflows;

        public sealed record Draft : StartEvent;
        public sealed record ReviewRequested : InputRequiredEvent;
        public sealed record Verdict(bool Approved) : HumanResponseEvent;
        public sealed record Comment(string Text) : HumanResponseEvent;
        public sealed record Progress : Event;
        public sealed record Decided : StopEvent;

        [Workflow]
        public partial class ApprovalFlow
        {
            [Step] public static ReviewRequested Ask(Draft draft) => new();

            [Step]
            public static async Task<Decided> Decide(Verdict verdict, WorkflowContext ctx)
            {
                Comment comment = await ctx.WaitForAsync<Comment>(new ReviewRequested());
                return new Decided();
            }
        }

        """;

    [Fact]
    public void Sending_an_accepted_event_through_the_typed_handle_compiles()
    {
        Compilation output = Generate(Workflow + """
            public static class Caller
            {
                public static async Task Run()
                {
                    ApprovalFlow.Handler handler = new ApprovalFlow().RunAsync(new Draft());
                    await handler.SendEventAsync(new Verdict(true));
                    await handler.SendEventAsync(new Comment("fine"));
                    WorkflowHandler<Decided> plain = handler;
                    Decided decided = await handler;
                }
            }
            """);

        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));
    }

    [Fact]
    public void Sending_a_wrong_event_through_the_typed_handle_is_a_compile_error_naming_what_is_accepted()
    {
        Compilation output = Generate(Workflow + """
            public static class Caller
            {
                public static async Task Run()
                {
                    var handler = new ApprovalFlow().RunAsync(new Draft());
                    await handler.SendEventAsync(new Progress());
                }
            }
            """);

        Diagnostic error = Assert.Single(output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("CS0619", error.Id);
        Assert.Contains(
            "ApprovalFlow accepts only Verdict or Comment from outside; this event would be rejected at run time.",
            error.GetMessage(System.Globalization.CultureInfo.InvariantCulture),
            StringComparison.Ordinal);
        Assert.Equal("handler.SendEventAsync(new Progress())", error.Location.SourceTree!.GetText().ToString(error.Location.SourceSpan));
    }

    private static Compilation Generate(string source)
    {
        GeneratorTest.CreateDriver().RunGeneratorsAndUpdateCompilation(TestCompilation.Create(source), out Compilation output, out _);
        return output;
    }
}
