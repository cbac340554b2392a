namespace OrleansRealtime.Streams;

/// <summary>
/// One durable batch of a stream, as the stream grain publishes it to the stream's Orleans stream
/// (<see cref="StreamNames.Stream"/> namespace, key = stream id) once the store holds it. Gateways follow it to deliver
/// <c>event</c> frames live; the offsets of consecutive batches continue each other within <paramref name="Epoch"/>.
/// </summary>
/// <param name="Stream">The stream id.</param>
/// <param name="Epoch">The stream's incarnation (see <see cref="StreamDescription.Epoch"/>).</param>
/// <param name="Events">The batch's events, in offset order.</param>
[GenerateSerializer, Immutable, Alias("rt.StreamBatch")]
public sealed record StreamBatch(
    [property: Id(0)] string Stream,
    [property: Id(1)] string Epoch,
    [property: Id(2)] IReadOnlyList<StreamEvent> Events);
