using Workflows.Testing;

namespace Workflows.Tests.Support;

internal static class ClockExtensions
{
    /// <summary>Waits (in real time) until a timer is pending on the clock, so a test can advance past it.</summary>
    public static async Task<TimeSpan> NextTimerAsync(this ManualTimeProvider clock)
    {
        DateTime deadline = DateTime.UtcNow + Within.Limit;
        while (DateTime.UtcNow < deadline)
        {
            if (clock.PendingTimers is [var next, ..])
            {
                return next;
            }

            await Task.Delay(5);
        }

        throw new TimeoutException("No timer was created on the manual clock.");
    }
}
