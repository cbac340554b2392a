namespace OrleansRealtime.Gateways;

/// <summary>One client connection of a gateway, as the admin API shows it.</summary>
/// <param name="ConnectionId">Its id (unique in the cluster: 128 random bits).</param>
/// <param name="UserId">Its authenticated user, if any.</param>
/// <param name="Transport"><c>websocket</c>, <c>sse</c>, <c>polling</c> or <c>hub</c>.</param>
/// <param name="GatewayId">The gateway that holds it.</param>
/// <param name="Channels">The channels it subscribes to.</param>
/// <param name="QueuedFrames">Frames waiting in its send queue.</param>
/// <param name="QueuedBytes">Bytes waiting in its send queue.</param>
[GenerateSerializer, Immutable, Alias("rt.ConnectionSummary")]
public sealed record ConnectionSummary(
    [property: Id(0)] string ConnectionId,
    [property: Id(1)] string? UserId,
    [property: Id(2)] string Transport,
    [property: Id(3)] string GatewayId,
    [property: Id(4)] IReadOnlyList<string> Channels,
    [property: Id(5)] int QueuedFrames,
    [property: Id(6)] long QueuedBytes);
