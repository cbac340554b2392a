namespace OrleansRealtime.Testing;

/// <summary>
/// Every await in a test has a bound: a test that waits for an event that never comes fails with a message naming the
/// event instead of hanging the run.
/// </summary>
public static class TaskTimeoutExtensions
{
    /// <summary>Awaits <paramref name="task"/>, or throws <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public static async Task WithTimeout(this Task task, TimeSpan timeout, string what)
    {
        try
        {
            await task.WaitAsync(timeout);
        }
        catch (TimeoutException exception) when (!task.IsCompleted)
        {
            throw TimedOut(timeout, what, exception);
        }
    }

    /// <summary>Awaits <paramref name="task"/>, or throws <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public static async Task<T> WithTimeout<T>(this Task<T> task, TimeSpan timeout, string what)
    {
        try
        {
            return await task.WaitAsync(timeout);
        }
        catch (TimeoutException exception) when (!task.IsCompleted)
        {
            throw TimedOut(timeout, what, exception);
        }
    }

    /// <inheritdoc cref="WithTimeout(Task, TimeSpan, string)"/>
    public static Task WithTimeout(this ValueTask task, TimeSpan timeout, string what) => task.AsTask().WithTimeout(timeout, what);

    /// <inheritdoc cref="WithTimeout{T}(Task{T}, TimeSpan, string)"/>
    public static Task<T> WithTimeout<T>(this ValueTask<T> task, TimeSpan timeout, string what) => task.AsTask().WithTimeout(timeout, what);

    private static TimeoutException TimedOut(TimeSpan timeout, string what, TimeoutException inner) =>
        new($"Timed out after {timeout.TotalSeconds:0.###} s waiting for {what}.", inner);
}
