using System.Data.Common;
using System.Globalization;

using Workflows.Durable;

namespace Workflows.Sql.Journal;

/// <summary>The journal: putting the deliveries a claim chose under its lease, and loading what running them needs, a few statements for the whole claim.</summary>
internal sealed partial class SqlJournal
{
    /// <summary>The run columns of <see cref="RunColumnList"/>, on the runs' alias <c>r</c>, read by <see cref="ReadRun"/> from the first column.</summary>
    private static readonly string QualifiedRunColumns = string.Join(", ", RunColumnNames.Split(", ").Select(column => "r." + column));

    /// <summary>
    /// How many deliveries of each picked delivery's step are claimed (under a live lease) in its run,
    /// in one query: a step's <c>Workers</c> bounds them. Read through the runs' deliveries (<c>wf_deliveries_run</c>) and
    /// nothing else. The status is compared as <c>status + 0</c>, so that PostgreSQL cannot read every active delivery
    /// through a partial index of them (19 ms a count against a long history); and the read is an indexed one
    /// (<see cref="SqlDialect.BeforeIndexedRead"/>), because PostgreSQL otherwise chose, with some statistics, to read the
    /// whole table: a count that grew with the history, from 2.7 to 12 ms a claim over 32,000 runs of the profile mode,
    /// and one worker's runs from 1.0 to 1.9 ms each (it showed as one worker slowing down iteration by iteration in
    /// two of four BenchmarkDotNet runs).
    /// </summary>
    private async Task CountClaimedStepsAsync(DbConnection connection, DbTransaction transaction, List<PickedDelivery> picked, long now, Dictionary<(string RunId, int Step), long> steps, CancellationToken cancellationToken)
    {
        // Only pairs not counted yet: a second look in the same claim keeps the counts the first one raised.
        HashSet<(string RunId, int Step)> missing = [.. picked.Select(p => (p.RunId, p.Step)).Where(pair => !steps.ContainsKey(pair))];
        if (missing.Count == 0)
        {
            return;
        }

        foreach ((string RunId, int Step) pair in missing)
        {
            steps[pair] = 0;
        }

        List<string> runs = [.. missing.Select(pair => pair.RunId).Distinct(StringComparer.Ordinal)];
        (string list, (string, object?)[] parameters) = InList("r", runs);
        using CachedCommand count = Command(
            connection, transaction,
            IndexedRead($"SELECT run_id, step, COUNT(*) FROM wf_deliveries WHERE run_id IN ({list}) AND status + 0 = {Claimed} AND lease_expires > @now GROUP BY run_id, step"),
            [.. parameters, ("now", now)]);
        using DbDataReader reader = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            (string, int) pair = (reader.GetString(0), reader.GetInt32(1));
            if (missing.Contains(pair))
            {
                steps[pair] = Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>
    /// Puts the chosen deliveries under the worker's lease and loads, for each, its event, its run and the run's state, in claim order.
    /// A delivery that is all its run has active or waiting is remembered with its run's next sequence, for a commit in one round trip.
    /// </summary>
    private async Task<List<ClaimedDelivery>> TakeAllAsync(DbConnection connection, DbTransaction transaction, List<long> chosen, ClaimRequest request, CancellationToken cancellationToken)
    {
        if (chosen.Count == 0)
        {
            return [];
        }

        (string ids, (string, object?)[] idParameters) = InList("d", chosen);
        await ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_deliveries SET status = {Claimed}, lease_owner = @me, lease_expires = @until, executions = executions + 1, started_at = @now WHERE delivery_id IN ({ids})",
            cancellationToken,
            [.. idParameters, ("me", request.WorkerId), ("until", Millis(request.Now + request.Lease)), ("now", Millis(request.Now))]).ConfigureAwait(false);

        var loaded = new Dictionary<long, ClaimedDelivery>(chosen.Count);
        using (CachedCommand load = Command(
            connection, transaction,
            $"SELECT {QualifiedRunColumns}, d.delivery_id, d.step, d.attempt, d.answers, d.prompted, {EventColumns("e")}, d.available_at, d.recorded, r.next_seq, " +
            $"(SELECT COUNT(*) FROM wf_deliveries o WHERE o.run_id = d.run_id AND o.status IN ({Pending}, {Claimed}, {Waiting})) " +
            $"FROM wf_deliveries d JOIN wf_events e ON e.event_id = d.event_id JOIN wf_runs r ON r.run_id = d.run_id WHERE d.delivery_id IN ({ids})",
            idParameters))
        {
            using DbDataReader reader = await load.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                RunRecord run = ReadRun(reader);
                const int D = 15;
                StoredEvent ev = ReadEvent(reader, D + 5, run.RunId);
                long id = reader.GetInt64(D);
                loaded[id] = new ClaimedDelivery(id, run, reader.GetInt32(D + 1), reader.GetInt32(D + 2), ev, ParseAnswers(reader.IsDBNull(D + 3) ? null : reader.GetString(D + 3)), reader.GetInt32(D + 4))
                {
                    AvailableAt = FromMillis(reader.GetInt64(D + 13)),
                    Recorded = reader.IsDBNull(D + 14) ? null : ParseRecorded(reader.GetString(D + 14)),
                };
                if (run.Status == WorkflowRunStatus.Running && Convert.ToInt64(reader.GetValue(D + 16), CultureInfo.InvariantCulture) == 1)
                {
                    Expect(id, run, reader.GetInt64(D + 15));
                }
            }
        }

        Dictionary<string, Dictionary<string, StoredValue>> states = await ReadStatesAsync(connection, transaction, [.. loaded.Values.Select(d => d.Run.RunId).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
        var claimed = new List<ClaimedDelivery>(chosen.Count);
        foreach (long id in chosen)
        {
            ClaimedDelivery delivery = loaded[id];
            claimed.Add(delivery with { State = states.TryGetValue(delivery.Run.RunId, out Dictionary<string, StoredValue>? state) ? state : new Dictionary<string, StoredValue>(StringComparer.Ordinal) });
        }

        return claimed;
    }

    private static async Task<Dictionary<string, Dictionary<string, StoredValue>>> ReadStatesAsync(DbConnection connection, DbTransaction transaction, List<string> runs, CancellationToken cancellationToken)
    {
        var states = new Dictionary<string, Dictionary<string, StoredValue>>(StringComparer.Ordinal);
        (string list, (string, object?)[] parameters) = InList("r", runs);
        using CachedCommand command = Command(connection, transaction, $"SELECT run_id, key, version, type, value FROM wf_state WHERE run_id IN ({list})", parameters);
        using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string run = reader.GetString(0);
            if (!states.TryGetValue(run, out Dictionary<string, StoredValue>? state))
            {
                states[run] = state = new Dictionary<string, StoredValue>(StringComparer.Ordinal);
            }

            state[reader.GetString(1)] = new StoredValue(reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4));
        }

        return states;
    }

    /// <summary>A parameter list for <c>IN (...)</c>: <c>@p0, @p1, ...</c> and their values.</summary>
    private static (string List, (string, object?)[] Parameters) InList<T>(string prefix, List<T> values)
    {
        var parameters = new (string, object?)[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            parameters[i] = (prefix + i.ToString(CultureInfo.InvariantCulture), values[i]);
        }

        return (string.Join(", ", parameters.Select(p => "@" + p.Item1)), parameters);
    }
}
