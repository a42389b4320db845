using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Workflows.Analyzers.CodeFixes;
using Workflows.Generators;
using Workflows.Testing.Compiler;

namespace Workflows.Analyzers.Tests;

/// <summary>
/// WF0024–WF0026: a durable workflow is shipped (its shape recorded in Workflows.Shipped.txt), then
/// edited in every way that would strand or misread its stored runs (each an error at the changed
/// declaration) and in ways they read fine (each listed as information).
/// </summary>
public class ShippedShapeTests
{
    private const string Usings = """
        using System;
        using System.Text.Json.Serialization;
        using Workflows;
        using Workflows.Durable;

        """;

    // The JSON context is a parameter, so WF0019 has no context to check: these tests are about shapes.
    private const string Setup = """

        public static class Setup
        {
            public static WorkflowRuntime Add(WorkflowRuntime runtime, JsonSerializerContext json) => runtime.Register(() => new ShipFlow(), json);
        }
        """;

    private const string Shipped = Usings + """
        public sealed record Order(string Id, int Amount) : StartEvent;
        public sealed record Asked(string Id) : InputRequiredEvent;
        public sealed record Answer(bool Yes, string By) : HumanResponseEvent;
        public sealed record Sent(string Id) : StopEvent;

        [Workflow]
        public partial class ShipFlow
        {
            [Step]
            public static Asked Ask(Order order) => new(order.Id);

            [Step]
            public static Sent Ship(Answer answer) => new(answer.By);
        }
        """ + Setup;

    private static Expected Break(string change) => new(
        "WF0024",
        $"Durable workflow 'ShipFlow' {change} since Workflows.Shipped.txt; runs stored under the shipped shape would be stranded or misread. Keep it as shipped (add a step or a member instead), or, if no run of 'ShipFlow' is in flight, update Workflows.Shipped.txt.");

    private static Expected Addition(string change) => new(
        "WF0025",
        $"Durable workflow 'ShipFlow' {change} since Workflows.Shipped.txt; runs stored under the shipped shape read it fine. Record it in Workflows.Shipped.txt when you ship.",
        DiagnosticSeverity.Info);

    [Fact]
    public async Task A_durable_workflow_not_in_the_baseline_yet_is_listed_with_its_shape_for_the_fix()
    {
        Diagnostic listed = Assert.Single(await AnalyzeAsync(Shipped, "# nothing shipped yet\n"));

        Assert.Equal("WF0025", listed.Id);
        Assert.Equal(DiagnosticSeverity.Info, listed.Severity);
        Assert.Equal(
            "Durable workflow 'ShipFlow' is not in Workflows.Shipped.txt yet; add it when you ship, so a later change that would strand its stored runs fails the build",
            listed.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(
            """
            step 0 Ask(global::Order) -> [global::Asked] workers=1 attempts=1
            step 1 Ship(global::Answer) -> [global::Sent] workers=1 attempts=1
            event global::Answer { bool Yes, string By }
            event global::Asked { string Id }
            event global::Order { string Id, int Amount }
            event global::Sent { string Id }
            """.ReplaceLineEndings("\n"),
            listed.Properties[DiagnosticProperties.Shape]);
    }

    [Fact]
    public async Task The_shipped_shape_unchanged_is_clean_and_without_a_baseline_nothing_is_checked()
    {
        AnalyzerTest.InMemoryAdditionalText baseline = await ShipAsync();

        Assert.Empty(await AnalyzeAsync(Shipped, baseline.GetText().ToString()));
        Assert.Empty(await AnalyzerTest.AnalyzeAsync(Shipped.Replace("int Amount", "decimal Amount", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task WF0024_a_member_removed_or_retyped_is_an_error_at_the_event_or_the_member() =>
        await VerifyAgainstShippedAsync(
            Usings + """
            public sealed record Order(string Id, decimal [|Amount|]) : StartEvent;
            public sealed record Asked(string Id) : InputRequiredEvent;
            public sealed record [|Answer|](bool Yes) : HumanResponseEvent;
            public sealed record Sent(string Id) : StopEvent;

            [Workflow]
            public partial class ShipFlow
            {
                [Step]
                public static Asked Ask(Order order) => new(order.Id);

                [Step]
                public static Sent Ship(Answer answer) => new("-");
            }
            """ + Setup,
            Break("changes member 'Amount' of event 'Order' from 'int' to 'decimal'"),
            Break("removes member 'By' from event 'Answer'"));

    [Fact]
    public async Task WF0024_a_step_renamed_is_a_step_removed_at_the_workflow_and_a_new_one_listed() =>
        await VerifyAgainstShippedAsync(
            Usings + """
            public sealed record Order(string Id, int Amount) : StartEvent;
            public sealed record Asked(string Id) : InputRequiredEvent;
            public sealed record Answer(bool Yes, string By) : HumanResponseEvent;
            public sealed record Sent(string Id) : StopEvent;

            [Workflow]
            public partial class [|ShipFlow|]
            {
                [Step]
                public static Asked Ask(Order order) => new(order.Id);

                [Step]
                public static Sent [|Send|](Answer answer) => new(answer.By);
            }
            """ + Setup,
            Break("removes step 'Ship' (step 1)"),
            Addition("adds step 'Send' (step 1)"));

    [Fact]
    public async Task WF0024_steps_reordered_are_each_an_error_at_the_step() =>
        await VerifyAgainstShippedAsync(
            Usings + """
            public sealed record Order(string Id, int Amount) : StartEvent;
            public sealed record Asked(string Id) : InputRequiredEvent;
            public sealed record Answer(bool Yes, string By) : HumanResponseEvent;
            public sealed record Sent(string Id) : StopEvent;

            [Workflow]
            public partial class ShipFlow
            {
                [Step]
                public static Sent [|Ship|](Answer answer) => new(answer.By);

                [Step]
                public static Asked [|Ask|](Order order) => new(order.Id);
            }
            """ + Setup,
            Break("moves step 'Ship' from position 1 to 0"),
            Break("moves step 'Ask' from position 0 to 1"));

    [Fact]
    public async Task WF0024_a_step_that_takes_another_event_is_an_error_at_its_parameter_and_the_event_it_no_longer_uses_at_the_workflow() =>
        await VerifyAgainstShippedAsync(
            Usings + """
            public sealed record Order(string Id, int Amount) : StartEvent;
            public sealed record Asked(string Id) : InputRequiredEvent;
            public sealed record [|Approval|](bool Yes, string By) : HumanResponseEvent;
            public sealed record Sent(string Id) : StopEvent;

            [Workflow]
            public partial class [|ShipFlow|]
            {
                [Step]
                public static Asked Ask(Order order) => new(order.Id);

                [Step]
                public static Sent Ship([|Approval|] answer) => new(answer.By);
            }
            """ + Setup,
            Addition("adds event 'Approval'"),
            Break("no longer uses event 'Answer'"),
            Break("changes step 'Ship' to take 'Approval' instead of 'Answer'"));

    [Fact]
    public async Task WF0025_a_member_added_and_new_step_options_are_listed_as_information() =>
        await VerifyAgainstShippedAsync(
            Usings + """
            public sealed record Order(string Id, int Amount) : StartEvent;
            public sealed record Asked(string Id) : InputRequiredEvent;
            public sealed record Answer(bool Yes, string By) : HumanResponseEvent;
            public sealed record Sent(string Id, string? [|Note|] = null) : StopEvent;

            [Workflow]
            public partial class ShipFlow
            {
                [Step]
                public static Asked Ask(Order order) => new(order.Id);

                [Step(MaxAttempts = 3)]
                public static Sent [|Ship|](Answer answer) => new(answer.By);
            }
            """ + Setup,
            Addition("adds member 'Note' to event 'Sent' (stored events read it as its default)"),
            Addition("changes what step 'Ship' produces or its options"));

    [Fact]
    public async Task WF0025_a_new_step_after_the_shipped_ones_its_event_and_a_new_OneOf_arm_are_listed_as_information() =>
        await VerifyAgainstShippedAsync(
            Usings + """
            public sealed record Order(string Id, int Amount) : StartEvent;
            public sealed record Asked(string Id) : InputRequiredEvent;
            public sealed record Answer(bool Yes, string By) : HumanResponseEvent;
            public sealed record Sent(string Id) : StopEvent;
            public sealed record [|Escalated|](string Id) : Event;

            [Workflow]
            public partial class ShipFlow
            {
                [Step]
                public static Asked Ask(Order order) => new(order.Id);

                [Step]
                public static OneOf<Sent, Escalated> [|Ship|](Answer answer) => answer.Yes ? new Sent(answer.By) : new Escalated(answer.By);

                [Step]
                public static Sent [|Escalate|](Escalated escalated) => new(escalated.Id);
            }
            """ + Setup,
            Addition("adds event 'Escalated'"),
            Addition("changes what step 'Ship' produces or its options"),
            Addition("adds step 'Escalate' (step 2)"));

    [Fact]
    public async Task WF0024_a_OneOf_arm_removed_whose_event_the_workflow_then_no_longer_uses_is_an_error() =>
        await VerifyAgainstShippedAsync(
            Usings + """
            public sealed record Order(string Id, int Amount) : StartEvent;
            public sealed record Answer(bool Yes, string By) : HumanResponseEvent;
            public sealed record Sent(string Id) : StopEvent;

            [Workflow]
            public partial class [|ShipFlow|]
            {
                [Step]
                public static Sent [|Ask|](Order order) => new(order.Id);

                [Step]
                public static Sent Ship(Answer answer) => new(answer.By);
            }
            """ + Setup,
            Break("no longer uses event 'Asked'"),
            Addition("changes what step 'Ask' produces or its options"));

    [Fact]
    public async Task WF0026_a_shipped_workflow_that_is_gone_is_an_error_at_its_line_in_the_baseline()
    {
        string baseline = (await ShipAsync()).GetText().ToString() + "GoneFlow: step 0 Go(global::Go) -> [global::Gone] workers=1 attempts=1\n";

        Diagnostic gone = Assert.Single(await AnalyzeAsync(Shipped, baseline));

        Assert.Equal("WF0026", gone.Id);
        Assert.Equal(DiagnosticSeverity.Error, gone.Severity);
        Assert.Equal(
            "Workflows.Shipped.txt lists durable workflow 'GoneFlow', but no [Workflow] class of this name and version is left; its stored runs would be stranded. Keep a class of it ([Workflow(Name = \"GoneFlow\")]) until its runs finish, or remove its lines from Workflows.Shipped.txt.",
            gone.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("/project/Workflows.Shipped.txt", gone.Location.GetLineSpan().Path);
        Assert.Equal(baseline.Split('\n').ToList().FindIndex(l => l.StartsWith("GoneFlow: ", StringComparison.Ordinal)), gone.Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public async Task The_fix_records_the_new_shape_in_the_baseline_keeping_comments_and_other_workflows_sorted()
    {
        string edited = Shipped.Replace("int Amount", "decimal Amount", StringComparison.Ordinal);
        string baseline = "# our shipped workflows\n" + (await ShipAsync()).GetText().ToString().Split('\n', 3)[2] + "OtherFlow: step 0 Go(global::Go) -> [global::Gone] workers=1 attempts=1\n";

        (Solution changed, _, IReadOnlyList<DocumentId> files, string title) = await CodeFixTest.ApplyInSolutionAsync(
            edited, "WF0024", new UpdateShippedBaselineCodeFix(), [("/project/" + ShippedBaseline.FileName, baseline)]);
        string updated = (await changed.GetAdditionalDocument(files[0])!.GetTextAsync()).ToString();

        Assert.Equal("Record 'ShipFlow' as shipped in Workflows.Shipped.txt", title);
        Assert.Equal(
            """
            # our shipped workflows
            OtherFlow: step 0 Go(global::Go) -> [global::Gone] workers=1 attempts=1
            ShipFlow: event global::Answer { bool Yes, string By }
            ShipFlow: event global::Asked { string Id }
            ShipFlow: event global::Order { string Id, decimal Amount }
            ShipFlow: event global::Sent { string Id }
            ShipFlow: step 0 Ask(global::Order) -> [global::Asked] workers=1 attempts=1
            ShipFlow: step 1 Ship(global::Answer) -> [global::Sent] workers=1 attempts=1

            """.ReplaceLineEndings("\n"),
            updated);
        Assert.Equal(["WF0026"], (await AnalyzeAsync(edited, updated)).Select(d => d.Id));
    }

    [Fact]
    public async Task The_keep_version_fix_makes_the_changed_class_version_2_after_which_the_baseline_asks_for_the_shipped_class_back()
    {
        string steps = """
                [Step]
                public static Asked Ask(Order order) => new(order.Id);

                [Step]
                public static Checked Check(Answer answer) => new(answer.By);

                [Step]
                public static Sent Finish(Checked check) => new(check.Id);
            }
            """;
        string edited = Usings + """
            public sealed record Order(string Id, int Amount) : StartEvent;
            public sealed record Asked(string Id) : InputRequiredEvent;
            public sealed record Answer(bool Yes, string By) : HumanResponseEvent;
            public sealed record Checked(string Id) : Event;
            public sealed record Sent(string Id) : StopEvent;

            [Workflow]
            public partial class ShipFlow
            {
            """ + steps + Setup;
        string baseline = (await ShipAsync()).GetText().ToString();

        (string versioned, string title) = await ApplyFixAsync(edited, baseline, new KeepShippedVersionCodeFix(), "WF0024");
        ImmutableArray<Diagnostic> withoutV1 = await AnalyzeAsync(versioned, baseline);
        string restored = versioned + """

            [Workflow(Name = "ShipFlow")]
            public partial class ShipFlowV1
            {
                [Step]
                public static Asked Ask(Order order) => new(order.Id);

                [Step]
                public static Sent Ship(Answer answer) => new(answer.By);
            }
            """;

        Assert.Equal("Make this version 2 of 'ShipFlow', keeping the shipped version for its stored runs", title);
        Assert.Contains("[Workflow(Version = 2)]\npublic partial class ShipFlow\n", versioned, StringComparison.Ordinal);
        Assert.Equal(
            [
                "WF0025 Durable workflow 'ShipFlow@2' is not in Workflows.Shipped.txt yet; add it when you ship, so a later change that would strand its stored runs fails the build",
                "WF0026 Workflows.Shipped.txt lists durable workflow 'ShipFlow', but no [Workflow] class of this name and version is left; its stored runs would be stranded. Keep a class of it ([Workflow(Name = \"ShipFlow\")]) until its runs finish, or remove its lines from Workflows.Shipped.txt.",
            ],
            withoutV1.Select(d => d.Id + " " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal));
        Assert.Equal(["WF0025"], (await AnalyzeAsync(restored, baseline)).Select(d => d.Id));
        CodeFixTest.AssertCompilesClean(restored);
    }

    /// <summary>Applies <paramref name="fix"/> to the first diagnostic <paramref name="id"/> with the baseline beside the source; returns the new source.</summary>
    private static async Task<(string Source, string Title)> ApplyFixAsync(string source, string baseline, CodeFixProvider fix, string id)
    {
        (Solution changed, Document document, _, string title) = await CodeFixTest.ApplyInSolutionAsync(source, id, fix, [("/project/" + ShippedBaseline.FileName, baseline)]);
        return ((await changed.GetDocument(document.Id)!.GetTextAsync()).ToString().ReplaceLineEndings("\n"), title);
    }

    /// <summary>Ships <see cref="Shipped"/>: its shape as the fix would record it in an empty baseline.</summary>
    private static async Task<AnalyzerTest.InMemoryAdditionalText> ShipAsync()
    {
        Diagnostic listed = Assert.Single(await AnalyzeAsync(Shipped, "# nothing shipped yet\n"));
        return new AnalyzerTest.InMemoryAdditionalText(
            "/project/" + ShippedBaseline.FileName,
            ShippedBaseline.Update(null, "ShipFlow", listed.Properties[DiagnosticProperties.Shape]!));
    }

    private static async Task VerifyAgainstShippedAsync(string markup, params Expected[] expected) =>
        await AnalyzerTest.VerifyAsync(markup, [("/project/" + ShippedBaseline.FileName, (await ShipAsync()).GetText().ToString())], expected);

    private static Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string source, string baseline) =>
        AnalyzerTest.AnalyzeAsync(source, [("/project/" + ShippedBaseline.FileName, baseline)]);
}
