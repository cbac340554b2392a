using OrleansRealtime.Channels;
using OrleansRealtime.Cluster.Tests.Infrastructure;

namespace OrleansRealtime.Cluster.Tests.Channels;

/// <summary>The channel directory: channels register on activation, shards page their names in order.</summary>
[Trait("Category", "Cluster")]
public sealed class ChannelDirectoryGrainTests(MemoryChannelClusterFixture fixture) : IClassFixture<MemoryChannelClusterFixture>
{
    private IChannelDirectoryGrain Shard(int shard) => fixture.Client.GetGrain<IChannelDirectoryGrain>(shard);

    [Fact]
    public void ShardsAreStableAcrossProcesses()
    {
        // Fixed values: a shard is stored state, so the function may never change (string.GetHashCode would per process).
        ChannelDirectory.ShardOf("news").Should().Be(6);
        ChannelDirectory.ShardOf("chat.room-1").Should().Be(10);
    }

    [Fact]
    public async Task AChannelIsListedInItsShardOnceItsGrainActivates()
    {
        var channel = $"dir.{Guid.NewGuid():N}";
        var shard = ChannelDirectory.ShardOf(channel);
        (await Shard(shard).ListAsync(after: channel[..^1], limit: 1000)).Should().NotContain(channel);

        await fixture.Client.GetGrain<IChannelGrain>(channel).GetPositionAsync();

        (await Shard(shard).ListAsync(after: channel[..^1], limit: 1000)).Should().Contain(channel);
        for (var other = 0; other < ChannelDirectory.ShardCount; other++)
        {
            if (other != shard)
                (await Shard(other).ListAsync(after: channel[..^1], limit: 1000)).Should().NotContain(channel);
        }
    }

    [Fact]
    public async Task AShardPagesItsNamesInOrderAfterTheCursorWithoutDuplicates()
    {
        var prefix = $"page.{Guid.NewGuid():N}";
        var shard = Shard(3);
        foreach (var suffix in new[] { "c", "a", "b", "a", "d" })
            await shard.RegisterAsync($"{prefix}.{suffix}");

        (await shard.ListAsync(after: prefix, limit: 2)).Should().Equal($"{prefix}.a", $"{prefix}.b");
        (await shard.ListAsync(after: $"{prefix}.b", limit: 2)).Should().Equal($"{prefix}.c", $"{prefix}.d");
        (await shard.ListAsync(after: "\uffff", limit: 2)).Should().BeEmpty("nothing sorts after the last name");
    }
}
