namespace OrleansRealtime.Streams;

/// <summary>One event of a durable stream as the store keeps it.</summary>
/// <param name="Offset">1, 2, 3 … without gaps within the stream, assigned by the stream grain when the event is written.</param>
/// <param name="Event">The event name (the rule of <see cref="Channels.ChannelName"/>).</param>
/// <param name="Data">The payload: one UTF-8 JSON value, validated before it reached the grain.</param>
/// <param name="TimestampMs">When the stream grain wrote it, Unix milliseconds (UTC).</param>
[GenerateSerializer, Immutable, Alias("rt.StreamEvent")]
public sealed record StreamEvent(
    [property: Id(0)] long Offset,
    [property: Id(1)] string Event,
    [property: Id(2)] byte[] Data,
    [property: Id(3)] long TimestampMs);

/// <summary>An event before the stream grain gave it an offset.</summary>
[GenerateSerializer, Immutable, Alias("rt.NewStreamEvent")]
public sealed record NewStreamEvent(
    [property: Id(0)] string Event,
    [property: Id(1)] byte[] Data);

/// <summary>An event handed to a consumer of a group.</summary>
/// <param name="DeliveryCount">How many times the group has handed this event out, this time included (1 the first time).</param>
[GenerateSerializer, Immutable, Alias("rt.GroupDelivery")]
public sealed record GroupDelivery(
    [property: Id(0)] StreamEvent Event,
    [property: Id(1)] int DeliveryCount);
