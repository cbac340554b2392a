using Orleans.Concurrency;

namespace OrleansRealtime.Streams;

/// <summary>Lists the durable streams that exist, from the stream store's index. Key: always 0.</summary>
[Alias("rt.IStreamCatalogGrain")]
public interface IStreamCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>Every stream with its settings, ordered by id.</summary>
    [Alias("list"), ReadOnly]
    ValueTask<IReadOnlyList<StreamListing>> ListAsync();
}

/// <summary>A stream in the catalog.</summary>
[GenerateSerializer, Immutable, Alias("rt.StreamListing")]
public sealed record StreamListing(
    [property: Id(0)] string Id,
    [property: Id(1)] StreamSettings Settings);
