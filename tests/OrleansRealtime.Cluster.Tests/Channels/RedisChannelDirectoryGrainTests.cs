using OrleansRealtime.Channels;
using OrleansRealtime.Cluster.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Cluster.Tests.Channels;

/// <summary>The channel directory persists in grain storage: a shard that deactivated still lists its channels.</summary>
[Trait("Category", "Cluster")]
public sealed class RedisChannelDirectoryGrainTests(RedisChannelClusterFixture fixture) : IClassFixture<RedisChannelClusterFixture>
{
    [Fact]
    public async Task AShardReactivatedFromRedisStillListsItsChannels()
    {
        var channel = $"persisted.{Guid.NewGuid():N}";
        await fixture.Client.GetGrain<IChannelGrain>(channel).GetPositionAsync();

        // Collect every idle activation, and wait until no directory shard is active: the next call reads storage.
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        await Eventually.HoldsAsync(
            async () =>
            {
                await management.ForceActivationCollection(TimeSpan.Zero);
                return (await management.GetSimpleGrainStatistics())
                    .Where(s => s.GrainType.Contains(nameof(ChannelDirectory), StringComparison.Ordinal))
                    .Sum(s => s.ActivationCount);
            },
            active => active == 0,
            "every channel directory shard deactivated",
            TimeSpan.FromSeconds(30));

        var names = await fixture.Client.GetGrain<IChannelDirectoryGrain>(ChannelDirectory.ShardOf(channel)).ListAsync(after: channel[..^1], limit: 1000);
        names.Should().Contain(channel);
    }
}
