namespace OrleansRealtime.Streams;

/// <summary>An answer to <see cref="IDurableStreamGrain.ReadAfterAsync"/>: what a live follower of the stream missed.</summary>
/// <param name="Epoch">The stream's current incarnation.</param>
/// <param name="LastOffset">The stream's last durable offset when the page was read.</param>
/// <param name="Events">Retained events after the asked offset, oldest first.</param>
/// <param name="More">True when durable events after this page exist: ask again after its last offset.</param>
/// <param name="Continuous">
/// True when the page continues the caller's position without a hole: its epoch was absent or current, and retention
/// still kept every event after it. False means the caller must resync.
/// </param>
[GenerateSerializer, Immutable, Alias("rt.StreamReplay")]
public sealed record StreamReplay(
    [property: Id(0)] string Epoch,
    [property: Id(1)] long LastOffset,
    [property: Id(2)] IReadOnlyList<StreamEvent> Events,
    [property: Id(3)] bool More,
    [property: Id(4)] bool Continuous);
