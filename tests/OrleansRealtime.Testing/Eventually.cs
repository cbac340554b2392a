namespace OrleansRealtime.Testing;

/// <summary>
/// Awaits a condition that the system makes true eventually by design (e.g. a gateway's periodic report), by
/// checking it on a timer until it holds; fails with a message naming the condition and its last observed value.
/// For anything that emits an event, await the event instead.
/// </summary>
public static class Eventually
{
    public static async Task<T> HoldsAsync<T>(Func<Task<T>> observe, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        using var cts = new CancellationTokenSource(limit);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        T last;
        do
        {
            last = await observe();
            if (condition(last))
                return last;
        }
        while (await WaitAsync(timer, cts.Token));

        throw new TimeoutException($"'{what}' did not hold within {limit.TotalSeconds:F0} s; last observed: {last}");
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
