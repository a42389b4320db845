namespace Workflows.Analyzers.Tests;

/// <summary>[Workflow(Name, Version)]: invalid values (WF0013), one name and version twice (WF0027), and each version in the shipped baseline.</summary>
public class WorkflowVersionTests
{
    private const string Events = """
        using Workflows;

        public sealed record Go : StartEvent;
        public sealed record Done : StopEvent;

        """;

    [Fact]
    public Task WF0013_fires_on_an_empty_name_and_a_version_below_1_with_a_fix_for_the_version() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow(Name = [|" "|], Version = [|0|])]
            public partial class Flow
            {
                [Step] public static Done Start(Go go) => new();
            }
            """,
            new Expected("WF0013", "'Flow' has an invalid attribute value: Name must not be empty; leave it out to use the class name"),
            new Expected("WF0013", "'Flow' has an invalid attribute value: Version must be 1 or more; it is 0"));

    [Fact]
    public async Task WF0013_on_the_version_is_fixed_by_setting_it_to_1()
    {
        string source = Events + """
            [Workflow(Version = 0)]
            public partial class Flow
            {
                [Step] public static Done Start(Go go) => new();
            }
            """;

        (string fixedSource, string title) = await CodeFixTest.ApplyAsync(source, "WF0013", new CodeFixes.FixOptionCodeFix());

        Assert.Equal("Set Version to 1", title);
        Assert.Contains("[Workflow(Version = 1)]", fixedSource, StringComparison.Ordinal);
        CodeFixTest.AssertCompilesClean(fixedSource);
    }

    [Fact]
    public Task WF0027_fires_at_each_class_after_the_first_with_the_same_name_and_version() =>
        AnalyzerTest.VerifyAsync(
            Events + """
            [Workflow(Name = "Approval", Version = 2)]
            public partial class ApprovalFlow
            {
                [Step] public static Done Start(Go go) => new();
            }

            [Workflow(Name = "Approval", Version = 2)]
            public partial class [|ApprovalFlowCopy|]
            {
                [Step] public static Done Start(Go go) => new();
            }

            [Workflow(Name = "ApprovalFlowV1")]
            public partial class Approval
            {
                [Step] public static Done Start(Go go) => new();
            }

            [Workflow]
            public partial class [|ApprovalFlowV1|]
            {
                [Step] public static Done Start(Go go) => new();
            }
            """,
            new Expected("WF0027", "'ApprovalFlowCopy' is workflow 'Approval' version 2, like 'ApprovalFlow'; durable runs are stored under a workflow's name and version, so each pair must be unique. Give 'ApprovalFlowCopy' another Version, or another Name."),
            new Expected("WF0027", "'ApprovalFlowV1' is workflow 'ApprovalFlowV1' version 1, like 'Approval'; durable runs are stored under a workflow's name and version, so each pair must be unique. Give 'ApprovalFlowV1' another Version, or another Name."));

    [Fact]
    public Task WF0027_is_silent_for_versions_of_one_name_and_for_classes_that_only_share_a_class_name() =>
        AnalyzerTest.VerifyCleanAsync(
            Events + """
            [Workflow(Name = "Approval")]
            public partial class ApprovalFlowV1
            {
                [Step] public static Done Start(Go go) => new();
            }

            [Workflow(Name = "Approval", Version = 2)]
            public partial class ApprovalFlow
            {
                [Step] public static Done Start(Go go) => new();
            }

            namespace A { [Workflow] public partial class Same { [Step] public static Done Start(Go go) => new(); } }
            namespace B { [Workflow] public partial class Same { [Step] public static Done Start(Go go) => new(); } }
            """);
}
