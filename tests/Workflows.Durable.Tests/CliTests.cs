using System.Diagnostics;
using System.Text.Json.Nodes;
using Workflows.Cli;
using Workflows.Durable.Tests.Flows;

namespace Workflows.Durable.Tests;

/// <summary>The <c>workflows</c> tool against a SQLite file: what it prints, what it changes, and its exit codes.</summary>
public sealed class CliTests : IDisposable
{
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await Cli.Cli.RunAsync([.. args, "--sqlite", _store.Path], output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Runs_are_listed_shown_operated_and_purged_from_the_command_line()
    {
        string waiting, failed, done;
        await using (WorkflowRuntime runtime = await _store.StartRuntimeAsync())
        {
            waiting = (await runtime.StartRunAsync<SupportFlow>(new Ticket("printer"), new DurableRunOptions { Tags = new Dictionary<string, string> { ["customer"] = "acme" } })).RunId;
            failed = Guid.NewGuid().ToString();
            FixableFlow.Broken[failed] = true;
            await runtime.StartRunAsync<FixableFlow>(new Job("globex"), new DurableRunOptions { RunId = failed });
            done = (await runtime.StartRunAsync<FixableFlow>(new Job("initech"))).RunId;
            await DurableRunTests.WaitForStatusAsync(runtime, waiting, WorkflowRunStatus.WaitingForInput);
            await DurableRunTests.WaitForStatusAsync(runtime, failed, WorkflowRunStatus.Failed);
            await runtime.WaitForCompletionAsync(done).WaitAsync(TempStore.Limit);
        }

        (int code, string output, _) = await RunAsync("runs", "list");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Matches(@"RUN\s+WORKFLOW\s+STATUS\s+STARTED\s+UPDATED", output);
        Assert.Contains($"{waiting}  SupportFlow  waitingForInput", output, StringComparison.Ordinal);
        Assert.Contains("3 of 3 run(s)", output, StringComparison.Ordinal);

        (code, output, _) = await RunAsync("runs", "list", "--tag", "customer=acme", "--json");
        JsonNode page = JsonNode.Parse(output)!;
        Assert.Equal((ExitCodes.Ok, 1, waiting), (code, (int)page["total"]!, (string?)page["runs"]![0]!["runId"]));

        (code, output, _) = await RunAsync("runs", "show", failed);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("status    failed", output, StringComparison.Ordinal);
        Assert.Contains("error     Step 'Finish' failed after 2 attempt(s)", output, StringComparison.Ordinal);
        Assert.Matches(@"1\s+start\s+Job", output);

        // Operating: refused with the reason and exit code 4, done with 0, unknown with 3.
        (code, _, string error) = await RunAsync("runs", "retry", waiting);
        Assert.Equal(ExitCodes.Refused, code);
        Assert.Equal($"workflows: Run '{waiting}' of workflow 'SupportFlow' is waiting for input; only a failed run can be retried.", error.Trim());
        (code, output, _) = await RunAsync("runs", "suspend", waiting);
        Assert.Equal((ExitCodes.Ok, $"suspend: run {waiting} of SupportFlow is suspended"), (code, output.Trim()));
        (code, _, error) = await RunAsync("runs", "resume", "no-such-run");
        Assert.Equal((ExitCodes.NotFound, "workflows: No run has the id 'no-such-run'."), (code, error.Trim()));
        FixableFlow.Broken.TryRemove(failed, out _);
        Assert.Equal(ExitCodes.Ok, (await RunAsync("runs", "retry", failed)).Code);
        await using (WorkflowRuntime runtime = await _store.StartRuntimeAsync())
        {
            await runtime.WaitForResultAsync<JobDone>(failed).WaitAsync(TempStore.Limit);
            StoredEvent retried = Assert.Single(await runtime.ReadEventsAsync(failed), e => e.Kind == EventRecordKind.Control);
            Assert.Contains($"\"requestedBy\":\"{StoreOperations.Requester}\"", retried.Payload, StringComparison.Ordinal);
        }

        // Sending needs a server; purging needs --yes, and deletes only finished runs.
        (code, _, error) = await RunAsync("runs", "send", waiting, "--type", "AgentReply", "--data", "{\"reply\":\"x\"}");
        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains("send it through a server that runs the workflow (--server URL --key KEY)", error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, (await RunAsync("runs", "purge", "--status", "completed")).Code);
        (code, output, error) = await RunAsync("runs", "purge", "--status", "completed", "--yes");
        Assert.Equal((ExitCodes.Ok, "deleted 2 finished run(s)"), (code, output.Trim()));
        Assert.Contains("purging: 2 deleted so far", error, StringComparison.Ordinal);
        Assert.Contains("1 of 1 run(s)", (await RunAsync("runs", "list")).Output, StringComparison.Ordinal);

        (code, output, _) = await RunAsync("workflows", "list");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Matches(@"SupportFlow\s+1", output);
    }

    [Fact]
    public async Task Schedules_are_listed_paused_resumed_and_deleted_from_the_command_line()
    {
        await using (WorkflowRuntime runtime = await _store.StartRuntimeAsync(o => o.RunWorkers = false))
        {
            await runtime.ScheduleAsync<FixableFlow>("nightly", new Job("n"), new ScheduleSpec { Cron = "0 2 * * *", TimeZone = "Europe/Berlin" });
        }

        (int code, string output, _) = await RunAsync("schedules", "list");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Matches(@"nightly\s+FixableFlow\s+0 2 \* \* \*\s+Europe/Berlin\s+active", output);
        Assert.Equal(ExitCodes.Ok, (await RunAsync("schedules", "pause", "nightly")).Code);
        Assert.True((bool)JsonNode.Parse((await RunAsync("schedules", "list", "--json")).Output)![0]!["paused"]!);
        Assert.Equal(ExitCodes.Ok, (await RunAsync("schedules", "resume", "nightly")).Code);
        Assert.Equal(ExitCodes.Ok, (await RunAsync("schedules", "delete", "nightly")).Code);
        (code, _, string error) = await RunAsync("schedules", "delete", "nightly");
        Assert.Equal((ExitCodes.NotFound, "workflows: No schedule has the id 'nightly'."), (code, error.Trim()));
    }

    [Fact]
    public async Task The_installed_tool_reports_usage_and_missing_stores_with_their_exit_codes()
    {
        string tool = Path.Combine(AppContext.BaseDirectory, "Workflows.Cli.dll");

        (int code, string output) = await ProcessAsync(tool, "runs", "list", "--sqlite", Path.Combine(_store.Directory, "missing.db"));
        Assert.Equal(ExitCodes.Unavailable, code);
        Assert.Contains("There is no SQLite file at", output, StringComparison.Ordinal);

        (code, output) = await ProcessAsync(tool, "runs", "list");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("exactly one of --sqlite FILE, --postgres CONNECTION-STRING or --server URL", output, StringComparison.Ordinal);

        (code, output) = await ProcessAsync(tool, "runs", "explode");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("explode", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> ProcessAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(tool);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TempStore.Limit);
        return (process.ExitCode, await output + await error);
    }
}
