namespace OrleansRealtime.Streams;

/// <summary>A durable stream's settings and state for the admin API.</summary>
/// <param name="Id">The stream id (its name).</param>
/// <param name="Settings">The settings it was created with.</param>
/// <param name="Length">Events currently retained.</param>
/// <param name="FirstOffset">Offset of the oldest retained event; <c>LastOffset + 1</c> when none is retained.</param>
/// <param name="LastOffset">Offset of the newest event ever written (0 before the first).</param>
/// <param name="Buffered">Events accepted but not yet written (their appends are not answered yet).</param>
/// <param name="Groups">Its consumer groups.</param>
/// <param name="Epoch">
/// The stream's incarnation: set when it is created, so a stream deleted and created again under the same name has
/// another epoch, and offsets of the old one can never be taken for the new one's.
/// </param>
[GenerateSerializer, Immutable, Alias("rt.StreamDescription")]
public sealed record StreamDescription(
    [property: Id(0)] string Id,
    [property: Id(1)] StreamSettings Settings,
    [property: Id(2)] long Length,
    [property: Id(3)] long FirstOffset,
    [property: Id(4)] long LastOffset,
    [property: Id(5)] int Buffered,
    [property: Id(6)] IReadOnlyList<GroupSummary> Groups,
    [property: Id(7)] string Epoch);

/// <summary>A consumer group in a stream's description.</summary>
/// <param name="Name">The group name.</param>
/// <param name="LastDeliveredOffset">The newest offset the group has handed out (0 before the first read).</param>
/// <param name="Pending">Events handed out and not acknowledged yet.</param>
/// <param name="Consumers">Consumers the group has seen.</param>
[GenerateSerializer, Immutable, Alias("rt.GroupSummary")]
public sealed record GroupSummary(
    [property: Id(0)] string Name,
    [property: Id(1)] long LastDeliveredOffset,
    [property: Id(2)] long Pending,
    [property: Id(3)] int Consumers);

/// <summary>A consumer group's position and pending list.</summary>
/// <param name="Name">The group name.</param>
/// <param name="LastDeliveredOffset">The newest offset the group has handed out (0 before the first read).</param>
/// <param name="PendingCount">All pending events, also those past <paramref name="Pending"/>'s cap.</param>
/// <param name="Pending">Pending events, oldest offset first, at most the configured number.</param>
[GenerateSerializer, Immutable, Alias("rt.GroupDescription")]
public sealed record GroupDescription(
    [property: Id(0)] string Name,
    [property: Id(1)] long LastDeliveredOffset,
    [property: Id(2)] long PendingCount,
    [property: Id(3)] IReadOnlyList<PendingEvent> Pending);

/// <summary>An event handed to a consumer and not acknowledged yet.</summary>
/// <param name="IdleMs">Time since it was last handed out.</param>
[GenerateSerializer, Immutable, Alias("rt.PendingEvent")]
public sealed record PendingEvent(
    [property: Id(0)] long Offset,
    [property: Id(1)] string Consumer,
    [property: Id(2)] int DeliveryCount,
    [property: Id(3)] long IdleMs);
