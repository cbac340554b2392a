using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.EndToEnd.Tests.Infrastructure;
using OrleansRealtime.Testing;
using Xunit.Abstractions;

namespace OrleansRealtime.EndToEnd.Tests;

/// <summary>
/// What the end-to-end test classes share: the class's cluster fixture, private clusters for tests that kill or stop
/// processes, the processes' output in the test log when a test fails, and publishing that retries like a client.
/// </summary>
public abstract class ClusterTestBase<TFixture>(TFixture fixture, ITestOutputHelper output) : IClassFixture<TFixture>
    where TFixture : ClusterFixture
{
    protected static readonly TimeSpan PublishingTimeout = TimeSpan.FromSeconds(90);
    protected static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(60);

    protected TFixture Fixture { get; } = fixture;

    protected ITestOutputHelper Output { get; } = output;

    protected static string NewChannel(string prefix) => $"{prefix}.{Guid.NewGuid():N}";

    /// <summary>A cluster of this test's own, for tests that kill its processes; <paramref name="environment"/> configures its processes.</summary>
    protected Task<ClusterHarness> StartPrivateClusterAsync(int silos = 1, int gateways = 2, IReadOnlyDictionary<string, string?>? environment = null) =>
        ClusterHarness.StartAsync(Fixture.PrivateCluster(Output.WriteLine, silos, gateways, environment));

    /// <summary>Runs a test on the class's shared cluster; when it fails, the test log gets the processes' last output.</summary>
    protected async Task OnSharedClusterAsync(Func<ClusterHarness, Task> test)
    {
        try
        {
            await test(Fixture.Cluster);
        }
        catch
        {
            Output.WriteLine(Fixture.Cluster.DescribeOutput());
            throw;
        }
    }

    protected static IEnumerable<long> Offsets(long first, int count) => Enumerable.Range(0, count).Select(i => first + i);

    /// <summary>
    /// Publishes, retrying while the gateway answers <c>unavailable</c> (the documented client behaviour while the
    /// cluster recovers) and, given <paramref name="attemptTimeout"/>, when an answer takes longer than that (a call
    /// stuck on a dead silo); any other error fails the test. A retried publish whose first attempt did land is a second
    /// message: only acknowledged publications are promised.
    /// </summary>
    protected static async Task<JsonElement> PublishRetryingWhileUnavailableAsync(
        RealtimeTestClient client, string channel, JsonNode data, TimeSpan timeout, TimeSpan? attemptTimeout = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        using var retry = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        var (unavailable, unanswered) = (0, 0);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException(
                    $"publishing to '{channel}' was not acknowledged within {timeout.TotalSeconds:F0} s ({unavailable} 'unavailable' answers, {unanswered} attempts unanswered)");
            }

            JsonElement answer;
            try
            {
                var frame = new JsonObject { ["type"] = "publish", ["channel"] = channel, ["data"] = data.DeepClone() };
                answer = await client.RequestAsync(frame, attemptTimeout is { } attempt && attempt < left ? attempt : left);
            }
            catch (TimeoutException) when (attemptTimeout is not null)
            {
                unanswered++;
                continue;
            }

            if (answer.GetProperty("type").GetString() == "ack")
                return answer;

            answer.GetProperty("code").GetString().Should().Be("unavailable", $"'unavailable' is the only error a client retries; got {answer}");
            unavailable++;
            await retry.WaitForNextTickAsync();
        }
    }
}
