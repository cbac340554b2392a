using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.EndToEnd.Tests.Infrastructure;
using OrleansRealtime.Testing;
using Xunit.Abstractions;

namespace OrleansRealtime.EndToEnd.Tests;

/// <summary>
/// Silos and gateways as real processes: what a client sees when publishing and subscribing through different
/// gateways, and when a gateway dies. One subclass per clustering mode runs every test.
/// </summary>
[Trait("Category", "EndToEnd")]
public abstract partial class ClusterTests<TFixture>(TFixture fixture, ITestOutputHelper output) : ClusterTestBase<TFixture>(fixture, output)
    where TFixture : ClusterFixture
{
    [Fact]
    public Task PublishOnOneGatewayReachesASubscriberOnAnotherInOrder() => OnSharedClusterAsync(async cluster =>
    {
        const int publishers = 4;
        const int perPublisher = 250;
        const int total = publishers * perPublisher;
        var channel = NewChannel("order");

        await using var subscriber = await cluster.Gateway("gw-b").ConnectAsync();
        subscriber.Welcome.GetProperty("gateway").GetString().Should().Be("gw-b");
        var subscribed = await subscriber.SubscribeAsync(channel);

        var acked = new ConcurrentDictionary<long, (int Publisher, int Sequence)>();
        await Task.WhenAll(Enumerable.Range(0, publishers).Select(async p =>
        {
            await using var publisher = await cluster.Gateway("gw-a").ConnectAsync($"user=p{p}");
            publisher.Welcome.GetProperty("gateway").GetString().Should().Be("gw-a");
            for (var n = 0; n < perPublisher; n++)
            {
                var ack = await publisher.PublishAsync(channel, new JsonObject { ["p"] = p, ["n"] = n });
                acked.TryAdd(ack.Offset(), (p, n)).Should().BeTrue($"offset {ack.Offset()} is acknowledged once");
                ack.Epoch().Should().Be(subscribed.Epoch());
            }
        })).WithTimeout(PublishingTimeout, $"{total} publications via gateway A to be acknowledged");

        acked.Keys.Order().Should().Equal(Offsets(1, total), "one writer assigns offsets without gaps");

        var messages = await subscriber.MessagesAsync(channel, total, DeliveryTimeout);
        messages.Select(m => m.Offset()).Should().Equal(Offsets(1, total), "gateway B delivers in offset order, without gap or duplicate");
        foreach (var message in messages)
        {
            var data = message.GetProperty("data");
            (data.GetProperty("p").GetInt32(), data.GetProperty("n").GetInt32()).Should()
                .Be(acked[message.Offset()], $"message {message.Offset()} carries what the ack of offset {message.Offset()} was for");
            message.Epoch().Should().Be(subscribed.Epoch());
        }
    });

    [Fact]
    public async Task KillingAGatewayLosesNothingForSubscribersOnAnother()
    {
        const int ackedBeforeKill = 300;
        const int publishedAfterKill = 50;
        var channel = NewChannel("failover");
        await using var cluster = await StartPrivateClusterAsync();
        var (a, b) = (cluster.Gateway("gw-a"), cluster.Gateway("gw-b"));

        await using var onB = await b.ConnectAsync();
        await onB.SubscribeAsync(channel);
        // A subscriber on A too: the gateway that dies holds a stream subscription of the channel.
        await using var onA = await a.ConnectAsync();
        await onA.SubscribeAsync(channel);

        await using var publisherOnA = await a.ConnectAsync("user=publisher-a");
        var acked = new ConcurrentQueue<(long Offset, int N)>();
        var enoughAcked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stopPublishing = new CancellationTokenSource();
        var publishing = Task.Run(async () =>
        {
            for (var n = 1; !stopPublishing.IsCancellationRequested; n++)
            {
                try
                {
                    var ack = await publisherOnA.PublishAsync(channel, new JsonObject { ["n"] = n });
                    acked.Enqueue((ack.Offset(), n));
                }
                catch (Exception ex)
                {
                    // The first failure ends the loop: gateway A is gone.
                    return ex;
                }

                if (acked.Count == ackedBeforeKill)
                    enoughAcked.TrySetResult();
            }

            return null;
        });

        Exception? publishFailure;
        try
        {
            await enoughAcked.Task.WithTimeout(PublishingTimeout, $"{ackedBeforeKill} publications via gateway A to be acknowledged");
            a.Kill();
            publishFailure = await publishing.WithTimeout(TimeSpan.FromSeconds(30), "the publisher on gateway A to fail once A was killed");
        }
        finally
        {
            stopPublishing.Cancel();
        }

        publishFailure.Should().NotBeNull("the publisher stops only when a publish fails");
        Output.WriteLine($"publishing via A stopped after {acked.Count} acks: {publishFailure!.Message}");
        var acknowledged = acked.ToList();
        var highestAcked = acknowledged[^1].Offset;
        acknowledged.Select(x => x.Offset).Should().Equal(Offsets(1, acknowledged.Count), "one sequential publisher gets consecutive offsets");

        var stopwatch = Stopwatch.StartNew();
        var received = await onB.MessagesThroughAsync(channel, highestAcked, DeliveryTimeout);
        Output.WriteLine($"gateway B delivered offset {highestAcked} {stopwatch.ElapsedMilliseconds} ms after A was killed");
        received.Select(m => m.Offset()).Should().Equal(Offsets(1, received.Count), "B delivers in offset order, without gap or duplicate");
        foreach (var (offset, n) in acknowledged)
            received[(int)offset - 1].GetProperty("data").GetProperty("n").GetInt32().Should().Be(n, $"offset {offset} is what its ack said");

        // The cluster survived: publishing through B itself still reaches B's subscriber, after everything before.
        await using var publisherOnB = await b.ConnectAsync("user=publisher-b");
        var afterKill = new List<(long Offset, int N)>();
        for (var n = 1; n <= publishedAfterKill; n++)
        {
            var ack = await publisherOnB.PublishAsync(channel, new JsonObject { ["n"] = -n });
            afterKill.Add((ack.Offset(), -n));
        }

        var lastOffset = afterKill[^1].Offset;
        afterKill[0].Offset.Should().BeGreaterThan(highestAcked);
        if (received[^1].Offset() < lastOffset)
            received.AddRange(await onB.MessagesThroughAsync(channel, lastOffset, DeliveryTimeout));
        received.Select(m => m.Offset()).Should().Equal(Offsets(1, (int)lastOffset), "B keeps delivering every offset in order");
        foreach (var (offset, n) in afterKill)
            received[(int)offset - 1].GetProperty("data").GetProperty("n").GetInt32().Should().Be(n, $"offset {offset} is what its ack said");
    }

    [Fact]
    public Task AnAdministratorOnOneGatewayListsAndClosesConnectionsOfAnother() => OnSharedClusterAsync(async cluster =>
    {
        var (a, b) = (cluster.Gateway("gw-a"), cluster.Gateway("gw-b"));
        await using var onA = await a.ConnectAsync("user=admin-a");
        await using var onB = await b.ConnectAsync("user=admin-b");

        // Each gateway renews its directory lease periodically; B's observer is reachable once B has registered.
        var listed = await Eventually.HoldsAsync(
            () => ListAllConnectionsAsync(a.Http),
            all => all.ContainsKey(onA.ConnectionId) && all.ContainsKey(onB.ConnectionId),
            "gateway A lists the connections of both gateways",
            DeliveryTimeout);
        listed[onA.ConnectionId].GetProperty("gateway").GetString().Should().Be("gw-a");
        listed[onB.ConnectionId].GetProperty("gateway").GetString().Should().Be("gw-b");
        listed[onB.ConnectionId].GetProperty("userId").GetString().Should().Be("admin-b");

        var found = await a.Http.GetFromJsonAsync<JsonElement>($"/api/connections/{onB.ConnectionId}");
        found.GetProperty("gateway").GetString().Should().Be("gw-b");

        var topology = await a.Http.GetFromJsonAsync<JsonElement>("/api/cluster");
        topology.GetProperty("gateways").EnumerateArray().Select(g => g.GetProperty("id").GetString()).Should().Contain(["gw-a", "gw-b"]);
        topology.GetProperty("silos").EnumerateArray().Should().Contain(s => s.GetProperty("status").GetString() == "Active");

        using var closed = await a.Http.DeleteAsync(new Uri($"/api/connections/{onB.ConnectionId}", UriKind.Relative));
        closed.StatusCode.Should().Be(HttpStatusCode.NoContent, "gateway A closes a connection that lives on gateway B");
        var close = await onB.NextOfTypeAsync("close", DeliveryTimeout);
        close.GetProperty("code").GetString().Should().Be("closed_by_admin");
        await onB.EndedAsync(DeliveryTimeout);

        using var gone = await a.Http.GetAsync(new Uri($"/api/connections/{onB.ConnectionId}", UriKind.Relative));
        gone.StatusCode.Should().Be(HttpStatusCode.NotFound, "no gateway holds the closed connection");
        (await a.Http.GetFromJsonAsync<JsonElement>($"/api/connections/{onA.ConnectionId}")).GetProperty("gateway").GetString()
            .Should().Be("gw-a", "the connection on A is untouched");
    });

    [Fact]
    public async Task AKilledGatewayIsUnreachableUntilItsLeaseLapsesThenGone()
    {
        await using var cluster = await StartPrivateClusterAsync();
        var (a, b) = (cluster.Gateway("gw-a"), cluster.Gateway("gw-b"));
        var onB = await b.ConnectAsync("user=doomed");
        await Eventually.HoldsAsync(
            () => ListAllConnectionsAsync(a.Http),
            all => all.ContainsKey(onB.ConnectionId),
            "gateway A lists the connection on gateway B",
            DeliveryTimeout);

        b.Kill();
        onB.Abort();

        // B's lease is still current: its connection may exist, so A cannot say 'not found'.
        using var whileLeased = await a.Http.DeleteAsync(new Uri($"/api/connections/{onB.ConnectionId}", UriKind.Relative));
        whileLeased.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, await whileLeased.Content.ReadAsStringAsync());
        (await whileLeased.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().Should().Be("unavailable");

        // Once the lease (30 s by default) lapses, B is dead: gone from the cluster view, and its connection is not found.
        await Eventually.HoldsAsync(
            () => a.Http.GetFromJsonAsync<JsonElement>("/api/cluster"),
            topology => topology.GetProperty("gateways").EnumerateArray().Select(g => g.GetProperty("id").GetString()).SequenceEqual(["gw-a"]),
            "the cluster lists gateway A alone",
            TimeSpan.FromSeconds(90));
        using var afterLease = await a.Http.DeleteAsync(new Uri($"/api/connections/{onB.ConnectionId}", UriKind.Relative));
        afterLease.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await onB.DisposeAsync();
    }

    /// <summary>Every connection of the cluster by id, paging through <c>GET /api/connections</c>.</summary>
    private static async Task<Dictionary<string, JsonElement>> ListAllConnectionsAsync(HttpClient http)
    {
        var all = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        string? after = null;
        do
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"/api/connections?limit=100{(after is null ? "" : "&after=" + after)}");
            foreach (var connection in page.GetProperty("connections").EnumerateArray())
                all[connection.GetProperty("connectionId").GetString()!] = connection;
            after = page.GetProperty("next").GetString();
        }
        while (after is not null);

        return all;
    }
}
