using Orleans.Concurrency;

namespace OrleansRealtime.Streams;

/// <summary>Reads the stream store's index; stateless, so any silo answers (see <see cref="IStreamCatalogGrain"/>).</summary>
[StatelessWorker]
internal sealed class StreamCatalogGrain(IStreamStore store) : Grain, IStreamCatalogGrain
{
    public ValueTask<IReadOnlyList<StreamListing>> ListAsync() => store.ListAsync();
}
