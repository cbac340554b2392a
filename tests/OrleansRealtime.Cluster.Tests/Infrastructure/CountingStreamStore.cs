using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansRealtime.Streams;

namespace OrleansRealtime.Cluster.Tests.Infrastructure;

/// <summary>
/// The silo's real <see cref="IStreamStore"/>, with a count of store writes (appends) per stream, and a way to make
/// the next write to a stream fail as a lost storage connection would.
/// </summary>
public sealed class CountingStreamStore(IStreamStore inner) : IStreamStore
{
    private readonly ConcurrentDictionary<string, int> _writes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _failNext = new(StringComparer.Ordinal);

    /// <summary>How many batches this silo wrote to <paramref name="stream"/>.</summary>
    public int WritesOf(string stream) => _writes.GetValueOrDefault(stream);

    /// <summary>The next write to <paramref name="stream"/> throws <see cref="IOException"/> without writing.</summary>
    public void FailNextWrite(string stream) => _failNext[stream] = true;

    public ValueTask AppendAsync(string stream, IReadOnlyList<StreamEvent> events, RetentionCut cut, CancellationToken cancellationToken = default)
    {
        _writes.AddOrUpdate(stream, 1, static (_, n) => n + 1);
        if (_failNext.TryRemove(stream, out _))
            throw new IOException($"the store lost its connection while writing to '{stream}'");
        return inner.AppendAsync(stream, events, cut, cancellationToken);
    }

    public ValueTask<StoredStream?> GetAsync(string stream, CancellationToken cancellationToken = default) => inner.GetAsync(stream, cancellationToken);

    public ValueTask<(bool Created, StoredStream Stream)> CreateAsync(string stream, StreamSettings settings, CancellationToken cancellationToken = default) =>
        inner.CreateAsync(stream, settings, cancellationToken);

    public ValueTask<bool> DeleteAsync(string stream, CancellationToken cancellationToken = default) => inner.DeleteAsync(stream, cancellationToken);

    public ValueTask<IReadOnlyList<StreamListing>> ListAsync(CancellationToken cancellationToken = default) => inner.ListAsync(cancellationToken);

    public ValueTask<StreamSlice> ReadAsync(string stream, long from, int limit, RetentionCut cut, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(stream, from, limit, cut, cancellationToken);

    public ValueTask TrimAsync(string stream, RetentionCut cut, CancellationToken cancellationToken = default) => inner.TrimAsync(stream, cut, cancellationToken);

    public ValueTask<StreamStats> StatsAsync(string stream, CancellationToken cancellationToken = default) => inner.StatsAsync(stream, cancellationToken);

    public ValueTask<IReadOnlyList<GroupDelivery>> ReadGroupAsync(
        string stream, string group, string consumer, int count, TimeSpan ackTimeout, RetentionCut cut, CancellationToken cancellationToken = default) =>
        inner.ReadGroupAsync(stream, group, consumer, count, ackTimeout, cut, cancellationToken);

    public ValueTask<int> AckAsync(string stream, string group, IReadOnlyList<long> offsets, CancellationToken cancellationToken = default) =>
        inner.AckAsync(stream, group, offsets, cancellationToken);

    public ValueTask<GroupDescription?> DescribeGroupAsync(string stream, string group, int maxPending, CancellationToken cancellationToken = default) =>
        inner.DescribeGroupAsync(stream, group, maxPending, cancellationToken);
}

/// <summary>Wraps the store <see cref="RealtimeSiloConfigurator"/> registered in a <see cref="CountingStreamStore"/>; runs after it.</summary>
public sealed class CountingStreamStoreConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        var services = siloBuilder.Services;
        var registered = services.Last(d => d.ServiceType == typeof(IStreamStore));
        var implementation = registered.ImplementationType ?? throw new InvalidOperationException("The stream store is expected to be registered by type.");
        services.Remove(registered);
        services.AddSingleton(sp => new CountingStreamStore((IStreamStore)ActivatorUtilities.CreateInstance(sp, implementation)));
        services.AddSingleton<IStreamStore>(sp => sp.GetRequiredService<CountingStreamStore>());
    }
}
