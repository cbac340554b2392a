using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansRealtime.Channels;
using OrleansRealtime.History;
using OrleansRealtime.Hosting;

namespace OrleansRealtime.Unit.Tests.Hosting;

/// <summary>The production registrations (the cluster tests replace the clock, so they don't see these).</summary>
[Trait("Category", "Unit")]
public sealed class RealtimeGrainServicesTests
{
    [Fact]
    public void TheRealtimeClockIsTheSilosTimeProvider()
    {
        using var host = BuildSilo([]);

        var clock = host.Services.GetRequiredKeyedService<TimeProvider>(RealtimeServiceKeys.Clock);

        clock.Should().BeSameAs(host.Services.GetRequiredService<TimeProvider>());
        clock.Should().BeSameAs(TimeProvider.System);
    }

    [Fact]
    public void MemoryStorageKeepsHistoryInMemory()
    {
        using var host = BuildSilo(new() { ["Orleans:Storage"] = "Memory" });

        host.Services.GetRequiredService<IHistoryStore>().Should().BeOfType<MemoryHistoryStore>();
    }

    [Fact]
    public void ChannelAndHistoryOptionsBindFromTheirSections()
    {
        using var host = BuildSilo(new()
        {
            ["Realtime:Channels:SubscriberLeaseSeconds"] = "30",
            ["Realtime:History:Size"] = "7",
        });

        host.Services.GetRequiredService<IOptions<ChannelOptions>>().Value.SubscriberLease.Should().Be(TimeSpan.FromSeconds(30));
        host.Services.GetRequiredService<IOptions<HistoryOptions>>().Value.Size.Should().Be(7);
    }

    [Fact]
    public void TheSubscriberLeaseDefaultsToNinetySeconds()
    {
        using var host = BuildSilo([]);

        host.Services.GetRequiredService<IOptions<ChannelOptions>>().Value.SubscriberLeaseSeconds.Should().Be(90);
    }

    // Built, never started: resolving services needs no ports.
    private static IHost BuildSilo(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddOrleans(silo => silo.UseLocalhostClustering().AddRealtimeGrainServices(builder.Configuration));
        return builder.Build();
    }
}
