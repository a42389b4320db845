using System.Data.Common;

namespace Workflows.Sql;

/// <summary>What a write through <see cref="SqlWorkflowStore.WriteAsync{T}(Func{DbConnection, DbTransaction, CancellationToken, Task{ValueTuple{T, bool}}}, SqlWriteKind, CancellationToken)"/> changes, so the store can commit it as cheaply as is safe.</summary>
[Flags]
public enum SqlWriteKind
{
    /// <summary>Journal data: committed durably, nothing announced.</summary>
    None = 0,

    /// <summary>
    /// Only a lease (a claim, its renewal, its release): a crash that loses it only means the lease
    /// expires and the delivery runs again, which the guarantees allow for, so it need not wait for the disk.
    /// </summary>
    Lease = 1,

    /// <summary>Records work other workers may take: wake idle workers (in every process) when it commits.</summary>
    AnnouncesWork = 2,
}
