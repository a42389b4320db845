using System.Text.RegularExpressions;

namespace Workflows.Package.Tests;

/// <summary>
/// A newcomer's first hour, from packed packages: add the package to a new console project, paste the
/// README's first block, build with no warning, run; make it durable with Workflows.Sqlite alone;
/// publish both Native AOT with no warning; make a mistake and get its WF error, and only that.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed partial class PackageTests(PackedFeed feed, ITestOutputHelper output)
{
    [Fact]
    public async Task The_README_s_first_block_builds_with_no_warning_runs_and_publishes_native_from_the_Workflows_package()
    {
        FreshProject app = await feed.NewProjectAsync("Hello");
        (await app.AddPackageAsync("Workflows")).Succeeded();
        await app.WriteProgramAsync(FirstCSharpBlock().Match(await File.ReadAllTextAsync(RepositoryPaths.Combine("README.md"))).Groups["code"].Value);

        CommandResult build = (await app.BuildAsync()).Succeeded();
        Assert.Empty(FreshProject.Diagnostics(build, "warning"));
        Assert.Equal("Hello, world!", (await app.RunAsync()).Succeeded().Output.Trim());

        await PublishesNativeAsync(app, "Hello, world!");
    }

    [Fact]
    public async Task Workflows_Sqlite_alone_brings_the_generator_and_the_durable_sample_runs_and_publishes_native()
    {
        FreshProject app = await feed.NewProjectAsync("Shipping");
        (await app.AddPackageAsync("Workflows.Sqlite")).Succeeded();
        string csproj = await File.ReadAllTextAsync(Path.Combine(app.Directory, "Shipping.csproj"));
        Assert.DoesNotContain("Include=\"Workflows\"", csproj, StringComparison.Ordinal);
        await app.WriteProgramAsync(await File.ReadAllTextAsync(RepositoryPaths.Combine("samples", "DurableShipping", "Program.cs")));

        // ShippingFlow.RunAsync, its graph and WF0019's check of the JSON context exist only if the
        // generator and analyzers came in through Workflows.Sqlite's dependency on Workflows.
        CommandResult build = (await app.BuildAsync()).Succeeded();
        Assert.Empty(FreshProject.Diagnostics(build, "warning"));
        Assert.Contains("Order o-1: shipped, approved by ana", (await app.RunAsync()).Succeeded().Output, StringComparison.Ordinal);

        await PublishesNativeAsync(app, "Order o-1: shipped, approved by ana");
    }

    [Fact]
    public async Task A_mistake_gets_its_WF_error_at_its_place_through_the_package_and_no_other_error()
    {
        FreshProject app = await feed.NewProjectAsync("Broken");
        (await app.AddPackageAsync("Workflows.Sqlite")).Succeeded();
        await app.WriteProgramAsync("""
            using Workflows;

            Console.WriteLine(nameof(HelloFlow));

            public sealed record Hello(string Name) : StartEvent;
            public sealed record Greeted(string Message) : StopEvent;

            [Workflow]
            public class HelloFlow
            {
                [Step]
                public static Greeted Greet(Hello hello) => new($"Hello, {hello.Name}!");
            }
            """);

        CommandResult build = await app.BuildAsync();

        Assert.NotEqual(0, build.ExitCode);
        string error = Assert.Single(FreshProject.Diagnostics(build, "error"));
        Assert.True(
            error.Contains("Program.cs(9,14): error WF0007: Workflow class 'HelloFlow' must be partial, so the generator can add RunAsync and Graph to it", StringComparison.Ordinal),
            error);
    }

    private async Task PublishesNativeAsync(FreshProject app, string expected)
    {
        (CommandResult publish, string executable) = await app.PublishNativeAsync();
        publish.Succeeded();
        Assert.Empty(FreshProject.Diagnostics(publish, "warning"));

        CommandResult run = (await DotNetCli.RunAsync(executable, app.Directory, TimeSpan.FromMinutes(1))).Succeeded();
        Assert.Contains(expected, run.Output, StringComparison.Ordinal);
        output.WriteLine($"{app.Name}: native executable {new FileInfo(executable).Length / 1024.0 / 1024.0:0.0} MB, published in {publish.Took.TotalSeconds:0} s, ran in {run.Took.TotalMilliseconds:0} ms");
    }

    [GeneratedRegex("```csharp\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex FirstCSharpBlock();
}
