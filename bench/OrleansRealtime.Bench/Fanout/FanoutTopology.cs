namespace OrleansRealtime.Bench.Fanout;

/// <summary>
/// Who subscribes to what and where the publisher publishes: <see cref="Single"/> (every subscriber on one channel) for
/// the fan-out, or <see cref="ManyChannels"/> (a channel per connection plus one shared room).
/// </summary>
internal sealed record FanoutTopology(string Name, int Subscribers, Func<int, string>? ChannelOf, IReadOnlyList<string>? PublishChannels)
{
    /// <summary>Every subscriber on <see cref="Load.BenchPayload.Channel"/>, one publish per message.</summary>
    public static FanoutTopology Single(int subscribers) => new($"1 channel × {subscribers} subscribers", subscribers, null, null);

    /// <summary>
    /// <paramref name="connections"/> subscribers each on a channel of its own, plus <paramref name="roomSize"/> more
    /// connections sharing one room channel; a round publishes one message to each of those channels.
    /// </summary>
    public static FanoutTopology ManyChannels(int connections, int roomSize)
    {
        var channels = Enumerable.Range(0, connections).Select(i => $"c{i}").Append("room").ToArray();
        return new($"{connections} channels × 1 subscriber + 1 room × {roomSize}", connections + roomSize, i => i < connections ? channels[i] : "room", channels);
    }
}
