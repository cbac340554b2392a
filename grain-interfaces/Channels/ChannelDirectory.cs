namespace OrleansRealtime.Channels;

/// <summary>How channel names spread over the <see cref="IChannelDirectoryGrain"/> shards.</summary>
public static class ChannelDirectory
{
    /// <summary>Shards of the directory; changing it moves names between shards, so it is part of the stored format.</summary>
    public const int ShardCount = 16;

    /// <summary>The shard of a channel: FNV-1a over its UTF-16 code units, stable across processes (unlike string.GetHashCode).</summary>
    public static int ShardOf(string channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var hash = 2166136261u;
        foreach (var c in channel)
        {
            hash ^= c;
            hash *= 16777619u;
        }

        return (int)(hash % ShardCount);
    }
}
