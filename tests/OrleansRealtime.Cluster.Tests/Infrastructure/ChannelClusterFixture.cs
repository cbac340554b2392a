using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using OrleansRealtime.History;

namespace OrleansRealtime.Cluster.Tests.Infrastructure;

/// <summary>
/// One TestCluster for a test class (starting one costs seconds), configured through
/// <see cref="RealtimeSiloConfigurator"/> with small, known history limits and a fake realtime clock.
/// </summary>
public abstract class ChannelClusterFixture : IAsyncLifetime
{
    public const int HistorySize = 50;
    public const int TtlSeconds = 60;
    public const int MaxPageSize = 20;
    public const int SubscriberLeaseSeconds = 90;
    public const int PresenceLeaseSeconds = 30;
    public const int InboxSize = 5;
    public const int InboxTtlSeconds = 30;
    public const int PatternRefreshMilliseconds = 1000;
    /// <summary>Redis measures ack time-outs on its own (real) clock: long enough that a loaded machine cannot let it pass between two reads of one test.</summary>
    public const int StreamAckTimeoutMs = 3000;
    public const int StreamTrimIntervalMs = 50;
    public const int GatewayLeaseSeconds = 30;
    /// <summary>
    /// How long the directory waits for a (fake) gateway's answer before it calls the gateway unreachable: long enough
    /// that a loaded machine does not make a live fake look silent; only the stalled-gateway test waits it out.
    /// </summary>
    public const int GatewayCommandTimeoutMs = 3000;

    private readonly string _clockId;
    private TestCluster? _cluster;

    protected ChannelClusterFixture()
    {
        _clockId = TestClocks.Register(Clock);
    }

    /// <summary>The realtime clock of every silo this fixture starts.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    public IClusterClient Client => Cluster.Client;

    /// <summary>The history store of the primary silo (the only one, or one of several sharing Redis).</summary>
    public IHistoryStore HistoryStore =>
        ((InProcessSiloHandle)Cluster.Primary!).ServiceProvider.GetRequiredService<IHistoryStore>();

    /// <summary>Store writes to <paramref name="stream"/> over every silo of the fixture's cluster.</summary>
    public int StreamWritesOf(string stream) => StreamStores.Sum(s => s.WritesOf(stream));

    /// <summary>The stream store of every silo of the fixture's cluster.</summary>
    public IEnumerable<CountingStreamStore> StreamStores =>
        Cluster.Silos.OfType<InProcessSiloHandle>().Select(s => s.ServiceProvider.GetRequiredService<CountingStreamStore>());

    protected abstract short SiloCount { get; }

    public virtual async Task InitializeAsync() => _cluster = await StartClusterAsync();

    public virtual async Task DisposeAsync()
    {
        if (_cluster is not null)
            await StopAsync(_cluster);
        TestClocks.Unregister(_clockId);
    }

    /// <summary>Starts a cluster with this fixture's configuration (the fixture's own, or another one for a test).</summary>
    public async Task<TestCluster> StartClusterAsync()
    {
        var builder = new TestClusterBuilder(SiloCount);
        builder.Properties[RealtimeSiloConfigurator.ClockIdKey] = _clockId;
        var settings = new Dictionary<string, string>(StorageSettings())
        {
            ["Realtime:History:Size"] = $"{HistorySize}",
            ["Realtime:History:TtlSeconds"] = $"{TtlSeconds}",
            ["Realtime:History:MaxPageSize"] = $"{MaxPageSize}",
            ["Realtime:Channels:SubscriberLeaseSeconds"] = $"{SubscriberLeaseSeconds}",
            ["Realtime:Presence:LeaseSeconds"] = $"{PresenceLeaseSeconds}",
            ["Realtime:Presence:InboxSize"] = $"{InboxSize}",
            ["Realtime:Presence:InboxTtlSeconds"] = $"{InboxTtlSeconds}",
            ["Realtime:Patterns:RefreshMilliseconds"] = $"{PatternRefreshMilliseconds}",
            ["Realtime:Streams:AckTimeoutMs"] = $"{StreamAckTimeoutMs}",
            ["Realtime:Streams:TrimIntervalMs"] = $"{StreamTrimIntervalMs}",
            ["Realtime:Gateways:LeaseSeconds"] = $"{GatewayLeaseSeconds}",
            ["Realtime:Gateways:CommandTimeoutMs"] = $"{GatewayCommandTimeoutMs}",
        };
        foreach (var (key, value) in settings)
            builder.Properties[$"{RealtimeSiloConfigurator.Section}:{key}"] = value;

        builder.AddSiloBuilderConfigurator<RealtimeSiloConfigurator>();
        builder.AddSiloBuilderConfigurator<CountingStreamStoreConfigurator>();
        builder.AddClientBuilderConfigurator<RealtimeClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public static async Task StopAsync(TestCluster cluster)
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }

    /// <summary><c>Orleans:Storage</c> and what it needs.</summary>
    protected abstract IReadOnlyDictionary<string, string> StorageSettings();
}
