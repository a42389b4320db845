namespace Workflows.Server.Security;

/// <summary>The permissions' names and what each allows, and what an API key is granted.</summary>
internal static class Permissions
{
    /// <summary>The claim, one per permission, an API key's identity carries.</summary>
    public const string Claim = "workflows:permission";

    public static readonly WorkflowPermission[] All = [WorkflowPermission.Read, WorkflowPermission.Start, WorkflowPermission.Answer, WorkflowPermission.Operate, WorkflowPermission.Administer];

    /// <summary>The name in problems, <c>/api/me</c> and configuration docs: <c>read</c>, <c>start</c>, …</summary>
    public static string Name(WorkflowPermission permission) => permission switch
    {
        WorkflowPermission.Read => "read",
        WorkflowPermission.Start => "start",
        WorkflowPermission.Answer => "answer",
        WorkflowPermission.Operate => "operate",
        WorkflowPermission.Administer => "administer",
        _ => permission.ToString(),
    };

    /// <summary>
    /// What a key may do: its <see cref="ApiKey.Permissions"/>, or — listed none, as configuration written
    /// before permissions — read, start and answer, and operate and administer too when it may operate.
    /// </summary>
    public static WorkflowPermission[] OfKey(ApiKey key) =>
        key.Permissions.Count > 0 ? [.. key.Permissions.Distinct().Order()]
        : key.CanOperate ? All
        : [WorkflowPermission.Read, WorkflowPermission.Start, WorkflowPermission.Answer];
}
