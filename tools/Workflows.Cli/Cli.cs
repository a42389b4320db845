using System.CommandLine;
using System.Globalization;
using Workflows.Postgres;
using Workflows.Sqlite;

namespace Workflows.Cli;

/// <summary>
/// <c>workflows</c>: operate durable runs and schedules against a SQLite file (<c>--sqlite</c>), a
/// PostgreSQL database (<c>--postgres</c>) or a running server (<c>--server</c> with <c>--key</c> or
/// <c>WORKFLOWS_KEY</c>). Tables by default, <c>--json</c> for scripts; exit codes in <see cref="ExitCodes"/>.
/// </summary>
public static class Cli
{
    private static readonly Option<string?> Sqlite = new("--sqlite") { Description = "A SQLite store: the file's path.", Recursive = true };
    private static readonly Option<string?> Postgres = new("--postgres") { Description = "A PostgreSQL store: its connection string.", Recursive = true };
    private static readonly Option<string?> Server = new("--server") { Description = "A running Workflows server's address (https://workflows.example.com).", Recursive = true };
    private static readonly Option<string?> Key = new("--key") { Description = "The server's API key (default: the WORKFLOWS_KEY environment variable).", Recursive = true };
    private static readonly Option<bool> Json = new("--json") { Description = "Write JSON instead of a table.", Recursive = true };

    /// <summary>Runs the tool: parses <paramref name="args"/>, does the command, writes to the given writers, and returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        RootCommand root = Build(output, error);
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError problem in parsed.Errors)
            {
                await error.WriteLineAsync(problem.Message).ConfigureAwait(false);
            }

            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken).ConfigureAwait(false);
    }

    private static RootCommand Build(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Operate durable Workflows runs and schedules.") { Sqlite, Postgres, Server, Key, Json };
        root.Subcommands.Add(Runs(output, error));
        root.Subcommands.Add(Schedules(output, error));
        root.Subcommands.Add(Workflows(output, error));
        return root;
    }

    private static Command Runs(TextWriter output, TextWriter error)
    {
        var runs = new Command("runs", "List, show, follow, answer and operate runs.");

        var workflow = new Option<string?>("--workflow") { Description = "Only this workflow's runs." };
        var status = new Option<string?>("--status") { Description = "Only runs in this status (running, waitingForInput, suspended, completed, failed, cancelled, timedOut)." };
        var tag = new Option<string[]>("--tag") { Description = "Only runs with this tag, as key=value (repeatable; all must match).", AllowMultipleArgumentsPerToken = false };
        var limit = new Option<int>("--limit") { Description = "How many runs at most (newest first).", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "Runs, newest first.") { workflow, status, tag, limit };
        list.SetAction((parsed, ct) => Do(parsed, output, error, async operations =>
        {
            RunListView page = await operations.ListRunsAsync(new RunFilter(parsed.GetValue(workflow), parsed.GetValue(status), Tags(parsed.GetValue(tag)), parsed.GetValue(limit)), ct).ConfigureAwait(false);
            await Output.WriteAsync(output, parsed.GetValue(Json), page, CliJson.Default.RunListView, () => Output.Runs(page)).ConfigureAwait(false);
        }, ct));
        runs.Subcommands.Add(list);

        var runId = new Argument<string>("run-id") { Description = "The run's id." };
        var show = new Command("show", "A run: status, error, tags, and its journal.") { runId };
        show.SetAction((parsed, ct) => Do(parsed, output, error, async operations =>
        {
            RunView run = await operations.GetRunAsync(parsed.GetValue(runId)!, ct).ConfigureAwait(false);
            IReadOnlyList<JournalView> journal = await operations.ReadJournalAsync(run.RunId, 0, ct).ConfigureAwait(false);
            await Output.WriteAsync(output, parsed.GetValue(Json), run, CliJson.Default.RunView, () => Output.Run(run) + Environment.NewLine + Output.Journal(journal)).ConfigureAwait(false);
        }, ct));
        runs.Subcommands.Add(show);

        var tail = new Command("tail", "Follows a run's journal until the run ends (Ctrl+C stops following).") { runId };
        tail.SetAction((parsed, ct) => Do(parsed, output, error, async operations =>
        {
            string id = parsed.GetValue(runId)!;
            long after = 0;
            bool json = parsed.GetValue(Json);
            while (true)
            {
                RunView run = await operations.GetRunAsync(id, ct).ConfigureAwait(false);
                foreach (JournalView entry in await operations.ReadJournalAsync(id, after, ct).ConfigureAwait(false))
                {
                    after = entry.Sequence;
                    await output.WriteLineAsync(json ? System.Text.Json.JsonSerializer.Serialize(entry, CliJson.Default.JournalView).ReplaceLineEndings(" ") : Output.Entry(entry)).ConfigureAwait(false);
                }

                if (run.Status is "completed" or "failed" or "cancelled" or "timedOut")
                {
                    await output.WriteLineAsync(json ? string.Empty : $"run {run.Status}{(run.Error is null ? string.Empty : ": " + run.Error)}").ConfigureAwait(false);
                    return;
                }

                await Task.Delay(500, ct).ConfigureAwait(false);
            }
        }, ct));
        runs.Subcommands.Add(tail);

        var type = new Option<string>("--type") { Description = "The event type's name (one the workflow takes from outside).", Required = true };
        var data = new Option<string>("--data") { Description = "The event as JSON.", DefaultValueFactory = _ => "{}" };
        var send = new Command("send", "Sends an event (an answer) into a run (through a server).") { runId, type, data };
        send.SetAction((parsed, ct) => Do(parsed, output, error, async operations =>
        {
            await operations.SendAsync(parsed.GetValue(runId)!, parsed.GetValue(type)!, parsed.GetValue(data)!, ct).ConfigureAwait(false);
            await output.WriteLineAsync($"sent {parsed.GetValue(type)} to {parsed.GetValue(runId)}").ConfigureAwait(false);
        }, ct));
        runs.Subcommands.Add(send);

        foreach ((string verb, string description) in new[]
        {
            ("cancel", "Cancels a run that has not ended."),
            ("suspend", "Suspends a running or waiting run: nothing of it runs until it is resumed."),
            ("resume", "Resumes a suspended run."),
            ("retry", "Runs a failed run again from the step that failed, with fresh attempts."),
        })
        {
            var control = new Command(verb, description) { runId };
            control.SetAction((parsed, ct) => Do(parsed, output, error, async operations =>
            {
                RunView run = await operations.ControlAsync(parsed.GetValue(runId)!, verb, ct).ConfigureAwait(false);
                await Output.WriteAsync(output, parsed.GetValue(Json), run, CliJson.Default.RunView, () => $"{verb}: run {run.RunId} of {run.Workflow} is {run.Status}").ConfigureAwait(false);
            }, ct));
            runs.Subcommands.Add(control);
        }

        var olderThan = new Option<string?>("--older-than") { Description = "Only runs that ended longer ago than this: 30d, 12h, 90m." };
        var yes = new Option<bool>("--yes") { Description = "Do it without asking (needed when input is not a terminal)." };
        var purge = new Command("purge", "Deletes finished runs (never one that has not ended), 100 per transaction.") { workflow, status, olderThan, yes };
        purge.SetAction((parsed, ct) => Do(parsed, output, error, async operations =>
        {
            DateTimeOffset? before = parsed.GetValue(olderThan) is { } age ? DateTimeOffset.UtcNow - Age(age) : null;
            if (!parsed.GetValue(yes))
            {
                throw new CliException(ExitCodes.Usage, "purge deletes runs for good: add --yes to go ahead.");
            }

            var progress = new Reporter(parsed.GetValue(Json) ? TextWriter.Null : error);
            int deleted = await operations.PurgeAsync(new PurgeFilter(parsed.GetValue(workflow), parsed.GetValue(status), before), progress, ct).ConfigureAwait(false);
            await Output.WriteAsync(output, parsed.GetValue(Json), new PurgeView(deleted), CliJson.Default.PurgeView, () => $"deleted {deleted} finished run(s)").ConfigureAwait(false);
        }, ct));
        runs.Subcommands.Add(purge);
        return runs;
    }

    private static Command Schedules(TextWriter output, TextWriter error)
    {
        var schedules = new Command("schedules", "List, pause, resume and delete schedules.");
        var list = new Command("list", "Every schedule, by id.");
        list.SetAction((parsed, ct) => Do(parsed, output, error, async operations =>
        {
            IReadOnlyList<ScheduleView> all = await operations.ListSchedulesAsync(ct).ConfigureAwait(false);
            await Output.WriteAsync(output, parsed.GetValue(Json), all, CliJson.Default.IReadOnlyListScheduleView, () => Output.Schedules(all)).ConfigureAwait(false);
        }, ct));
        schedules.Subcommands.Add(list);

        var id = new Argument<string>("schedule-id") { Description = "The schedule's id." };
        foreach ((string verb, string description) in new[] { ("pause", "Pauses a schedule."), ("resume", "Resumes a paused schedule from its next occurrence."), ("delete", "Deletes a schedule (its runs are kept).") })
        {
            var control = new Command(verb, description) { id };
            control.SetAction((parsed, ct) => Do(parsed, output, error, async operations =>
            {
                await operations.ControlScheduleAsync(parsed.GetValue(id)!, verb, ct).ConfigureAwait(false);
                await output.WriteLineAsync($"{verb}: schedule {parsed.GetValue(id)}").ConfigureAwait(false);
            }, ct));
            schedules.Subcommands.Add(control);
        }

        return schedules;
    }

    private static Command Workflows(TextWriter output, TextWriter error)
    {
        var workflows = new Command("workflows", "The workflows the store has runs of, or the server runs.");
        var list = new Command("list", "Workflows by name.");
        list.SetAction((parsed, ct) => Do(parsed, output, error, async operations =>
        {
            IReadOnlyList<WorkflowView> all = await operations.ListWorkflowsAsync(ct).ConfigureAwait(false);
            await Output.WriteAsync(output, parsed.GetValue(Json), all, CliJson.Default.IReadOnlyListWorkflowView, () => Output.Workflows(all)).ConfigureAwait(false);
        }, ct));
        workflows.Subcommands.Add(list);

        var name = new Argument<string>("name") { Description = "The workflow's name." };
        var graph = new Command("graph", "A workflow's graph: Mermaid from a server, its steps and events from a store.") { name };
        graph.SetAction((parsed, ct) => Do(parsed, output, error, async operations =>
        {
            WorkflowView workflow = await operations.GetWorkflowAsync(parsed.GetValue(name)!, ct).ConfigureAwait(false);
            await Output.WriteAsync(output, parsed.GetValue(Json), workflow, CliJson.Default.WorkflowView, () => workflow.Graph ?? string.Empty).ConfigureAwait(false);
        }, ct));
        workflows.Subcommands.Add(graph);
        return workflows;
    }

    /// <summary>Opens the source the options name, does the work, and turns failures into one line on stderr and an exit code.</summary>
    private static async Task<int> Do(ParseResult parsed, TextWriter output, TextWriter error, Func<IOperations, Task> work, CancellationToken cancellationToken)
    {
        try
        {
            IOperations operations = await OpenAsync(parsed, cancellationToken).ConfigureAwait(false);
            await using (operations.ConfigureAwait(false))
            {
                await work(operations).ConfigureAwait(false);
            }

            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        catch (CliException failure)
        {
            await error.WriteLineAsync("workflows: " + failure.Message).ConfigureAwait(false);
            return failure.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
        catch (Exception unexpected) when (unexpected is not OperationCanceledException)
        {
            await error.WriteLineAsync($"workflows: {unexpected.GetType().Name}: {unexpected.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }

    private static async Task<IOperations> OpenAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        string? sqlite = parsed.GetValue(Sqlite);
        string? postgres = parsed.GetValue(Postgres);
        string? server = parsed.GetValue(Server);
        int given = (sqlite is null ? 0 : 1) + (postgres is null ? 0 : 1) + (server is null ? 0 : 1);
        if (given != 1)
        {
            throw new CliException(ExitCodes.Usage, "Say where the runs are with exactly one of --sqlite FILE, --postgres CONNECTION-STRING or --server URL.");
        }

        if (sqlite is not null)
        {
            return File.Exists(sqlite)
                ? await StoreOperations.OpenAsync(new SqliteWorkflowStore(sqlite), cancellationToken).ConfigureAwait(false)
                : throw new CliException(ExitCodes.Unavailable, $"There is no SQLite file at '{sqlite}'.");
        }

        if (postgres is not null)
        {
            return await StoreOperations.OpenAsync(new PostgresWorkflowStore(postgres), cancellationToken).ConfigureAwait(false);
        }

        string key = parsed.GetValue(Key) ?? Environment.GetEnvironmentVariable("WORKFLOWS_KEY")
            ?? throw new CliException(ExitCodes.Usage, "A server needs an API key: --key KEY, or the WORKFLOWS_KEY environment variable.");
        return Uri.TryCreate(server, UriKind.Absolute, out Uri? address) && address.Scheme is "http" or "https"
            ? new ServerOperations(ServerOperations.Client(address, key))
            : throw new CliException(ExitCodes.Usage, $"--server must be an http or https address (https://workflows.example.com), not '{server}'.");
    }

    private static Dictionary<string, string>? Tags(string[]? tags)
    {
        if (tags is not { Length: > 0 })
        {
            return null;
        }

        var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string tag in tags)
        {
            int equals = tag.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliException(ExitCodes.Usage, $"--tag must be key=value (--tag customer=acme), not '{tag}'.");
            }

            parsed[tag[..equals]] = tag[(equals + 1)..];
        }

        return parsed;
    }

    /// <summary>30d, 12h, 90m, 45s.</summary>
    internal static TimeSpan Age(string text)
    {
        if (text.Length >= 2 && double.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount) && amount >= 0)
        {
            switch (text[^1])
            {
                case 'd': return TimeSpan.FromDays(amount);
                case 'h': return TimeSpan.FromHours(amount);
                case 'm': return TimeSpan.FromMinutes(amount);
                case 's': return TimeSpan.FromSeconds(amount);
            }
        }

        throw new CliException(ExitCodes.Usage, $"--older-than must be a number and a unit (30d, 12h, 90m, 45s), not '{text}'.");
    }

    /// <summary>Writes the running total of a purge as it goes, on stderr so stdout stays the result.</summary>
    private sealed class Reporter(TextWriter writer) : IProgress<int>
    {
        public void Report(int value) => writer.WriteLine($"purging: {value.ToString(CultureInfo.InvariantCulture)} deleted so far");
    }
}
