using Orleans.Concurrency;

namespace OrleansRealtime.Channels;

/// <summary>
/// One shard of the list of channels the cluster knows: every channel grain registers its name in its shard
/// (<see cref="ChannelDirectory.ShardOf"/>) when it activates — never per publish — and the shard persists the
/// names in grain storage. Key: the shard number, 0 to <see cref="ChannelDirectory.ShardCount"/> - 1.
/// </summary>
[Alias("rt.IChannelDirectoryGrain")]
public interface IChannelDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Adds a channel name (a name already listed costs no write).</summary>
    [Alias("register")]
    ValueTask RegisterAsync(string channel);

    /// <summary>Up to <paramref name="limit"/> names of this shard ordinally after <paramref name="after"/>, in order.</summary>
    [Alias("list"), ReadOnly]
    ValueTask<IReadOnlyList<string>> ListAsync(string? after, int limit);
}
