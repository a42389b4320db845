using Workflows.Conformance.Tests.Hosts;

namespace Workflows.Conformance.Tests;

/// <summary>
/// One model, three hosts: every scenario runs in memory, durably on a temporary SQLite file, and
/// durably on PostgreSQL, and each host must show the same typed result (or the same exception type
/// and message), the same streamed events in the same order, the same events routed to steps, and
/// the same attempts per step. A difference a durable host cannot avoid is named in
/// <see cref="HostDifference"/>, and only that comparison is left out.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ConformanceTests(PostgresServer server)
{
    public static TheoryData<string> Scenarios => Tests.Scenarios.Names();

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Every_host_runs_the_workflow_alike(string name)
    {
        (Scenario scenario, string expected) = Tests.Scenarios.Find(name);
        Observed memory = scenario.Normalize(await InMemoryHost.RunAsync(scenario));
        Assert.StartsWith(expected, memory.Outcome.ToString(), StringComparison.Ordinal);

        if (scenario.Difference is HostDifference.StaticWorkflow or HostDifference.EventsNotSerializable)
        {
            return;
        }

        foreach (DurableHost host in new[] { DurableHost.Sqlite(), DurableHost.Postgres(server) })
        {
            Observed durable = scenario.Normalize(await host.RunAsync(scenario));
            Assert.True(memory.Outcome == durable.Outcome, $"{host.Name}: the run ended '{durable.Outcome}', in memory '{memory.Outcome}'.");
            AssertSame(host, "routed events", memory.Routed, durable.Routed);
            AssertSame(host, "attempts per step", memory.Attempts, durable.Attempts);
            if (scenario.Difference != HostDifference.StreamOfFailedAttempts)
            {
                bool unordered = scenario.StreamUnordered || scenario.Difference == HostDifference.ChildStreamInOwnJournal;
                AssertSame(
                    host,
                    unordered ? "streamed events (in any order)" : "streamed events",
                    unordered ? [.. memory.Streamed.Order(StringComparer.Ordinal)] : memory.Streamed,
                    unordered ? [.. durable.Streamed.Order(StringComparer.Ordinal)] : durable.Streamed);
            }
        }
    }

    private static void AssertSame(DurableHost host, string what, IReadOnlyList<string> memory, IReadOnlyList<string> durable) =>
        Assert.True(
            memory.SequenceEqual(durable, StringComparer.Ordinal),
            $"{host.Name} differs from memory in its {what}.\n  in memory:\n    {string.Join("\n    ", memory)}\n  {host.Name}:\n    {string.Join("\n    ", durable)}");
}
