namespace Workflows.Tests.Support;

/// <summary>Bounds every await of a test, so a bug shows as a failure rather than a hung test run.</summary>
internal static class Within
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    public static Task<T> Seconds<T>(Task<T> task) => task.WaitAsync(Limit);

    public static Task Seconds(Task task) => task.WaitAsync(Limit);
}
