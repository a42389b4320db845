using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Workflows.Hosting;
using Workflows.Tests.Flows;
using Workflows.Tests.Support;

namespace Workflows.Tests;

public class HostingTests
{
    [Fact]
    public async Task A_registered_workflow_gets_its_services_from_a_scope_per_run_disposed_when_the_run_ends()
    {
        await using ServiceProvider provider = new ServiceCollection()
            .AddScoped<IGreeter, ScopedGreeter>()
            .AddWorkflow<InjectedFlow>()
            .BuildServiceProvider();
        var runner = provider.GetRequiredService<IWorkflowRunner>();

        InjectedFlow.Handler first = runner.For<InjectedFlow>().Start((flow, options) => flow.RunAsync(new Greet("ana"), options));
        InjectedFlow.Handler second = runner.For<InjectedFlow>().Start((flow, options) => flow.RunAsync(new Greet("bo"), options));
        Greeting a = await Within.Seconds(first.Result);
        Greeting b = await Within.Seconds(second.Result);

        Assert.StartsWith("hello ana from greeter ", a.Text, StringComparison.Ordinal);
        Assert.NotSame(a.Greeter, b.Greeter);
        await WaitUntil(() => ((ScopedGreeter)a.Greeter).Disposed && ((ScopedGreeter)b.Greeter).Disposed);
    }

    [Fact]
    public async Task Options_come_from_the_Workflows_configuration_section()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Workflows:DefaultTimeout"] = "00:00:00.2" })
            .Build();
        await using ServiceProvider provider = new ServiceCollection()
            .AddSingleton(configuration)
            .AddWorkflow<ForeverFlow>()
            .BuildServiceProvider();

        ForeverFlow.Handler run = provider.GetRequiredService<IWorkflowRunner>().For<ForeverFlow>().Start((flow, options) => flow.RunAsync(new Wait(), options));

        var error = await Assert.ThrowsAsync<WorkflowTimeoutException>(() => Within.Seconds(run.Result));
        Assert.Equal(TimeSpan.FromMilliseconds(200), error.Timeout);
    }

    [Fact]
    public async Task Run_and_step_lifecycles_are_logged_with_run_workflow_and_step_in_scope()
    {
        var logs = new LogCollector();
        await using ServiceProvider provider = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug))
            .AddWorkflow<RetryFlow>()
            .BuildServiceProvider();

        RetryFlow.Handler run = provider.GetRequiredService<IWorkflowRunner>().For<RetryFlow>().Start((flow, options) => flow.RunAsync(new Attempt(1), options));
        await Within.Seconds(run.Result);

        List<LogCollector.Entry> mine = [.. logs.Entries.Where(e => e.Scope.Contains($"RunId={run.RunId}", StringComparison.Ordinal))];
        Assert.Contains(mine, e => e.Level == LogLevel.Information && e.Message == $"Run of RetryFlow started ({run.RunId})");
        Assert.Contains(mine, e => e.Level == LogLevel.Warning && e.Message == "Step Flaky failed attempt 1 with InvalidOperationException: attempt 1 failed; retrying" && e.Scope.Contains("Step=Flaky", StringComparison.Ordinal));
        Assert.Contains(mine, e => e.Level == LogLevel.Debug && e.Message.StartsWith("Step Flaky produced Recovered in ", StringComparison.Ordinal));
        Assert.Contains(mine, e => e.Level == LogLevel.Information && e.Message == $"Run of RetryFlow completed ({run.RunId})");
        Assert.All(mine, e => Assert.Equal("Workflows", e.Category));
    }

    [Fact]
    public async Task Waiting_for_input_is_logged()
    {
        var logs = new LogCollector();
        await using ServiceProvider provider = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(logs))
            .AddWorkflow<ApprovalByEventsFlow>()
            .BuildServiceProvider();

        ApprovalByEventsFlow.Handler run = provider.GetRequiredService<IWorkflowRunner>().For<ApprovalByEventsFlow>().Start((flow, options) => flow.RunAsync(new Draft("x"), options));
        await WaitUntil(() => logs.Entries.Any(e => e.Message == $"Run of ApprovalByEventsFlow is waiting for input: ReviewRequested ({run.RunId})"));
        await run.SendEventAsync(new Verdict(true, "ana"));

        await Within.Seconds(run.Result);
    }

    [Fact]
    public async Task Starting_an_unregistered_workflow_says_how_to_register_it()
    {
        await using ServiceProvider provider = new ServiceCollection().AddWorkflows().Services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() =>
            provider.GetRequiredService<IWorkflowRunner>().For<LinearFlow>().Start((flow, options) => flow.RunAsync(new Begin(1), options)));

        Assert.Equal("Workflow 'LinearFlow' is not registered. Add services.AddWorkflow<LinearFlow>() at startup.", error.Message);
        await Task.CompletedTask;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        DateTime deadline = DateTime.UtcNow + Within.Limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true in time.");
            await Task.Delay(10);
        }
    }

    private sealed class LogCollector : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Error, string Scope);

        private sealed class Logger(LogCollector collector, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => collector._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scope = new List<string>();
                collector._scopes.ForEachScope(
                    (value, list) =>
                    {
                        if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
                        {
                            list.AddRange(pairs.Select(p => $"{p.Key}={p.Value}"));
                        }
                    },
                    scope);
                collector.Entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception, string.Join(";", scope)));
            }
        }
    }
}
