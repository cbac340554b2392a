using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OrleansRealtime.EndToEnd.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.EndToEnd.Tests;

/// <summary>Server-side subscriptions made, listed and removed through one gateway for a connection on another.</summary>
public abstract partial class ClusterTests<TFixture>
{
    [Fact]
    public Task AnAdministratorOnOneGatewaySubscribesAConnectionOfAnotherAndRemovesTheSubscription() => OnSharedClusterAsync(async cluster =>
    {
        var (a, b) = (cluster.Gateway("gw-a"), cluster.Gateway("gw-b"));
        var channel = NewChannel("server-sub");
        var marker = NewChannel("server-sub-marker");
        await using var onB = await b.ConnectAsync("user=server-sub");
        await onB.SubscribeAsync(marker);
        var body = JsonSerializer.Serialize(new { connectionId = onB.ConnectionId, channel, filter = new { keep = true } });

        // Gateway A reaches B's connection once B has registered in the gateway directory.
        var created = await Eventually.HoldsAsync(
            async () =>
            {
                using var response = await a.Http.PostAsync(new Uri("/api/subscriptions", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
                return (response.StatusCode, Body: await response.Content.ReadFromJsonAsync<JsonElement>());
            },
            answer => answer.StatusCode != HttpStatusCode.NotFound,
            "gateway A finds the connection on gateway B",
            DeliveryTimeout);
        created.StatusCode.Should().Be(HttpStatusCode.Created, created.Body.ToString());
        created.Body.GetProperty("gateway").GetString().Should().Be("gw-b");
        var id = created.Body.GetProperty("id").GetString()!;
        var subscribed = await onB.NextOfTypeAsync("subscribed", DeliveryTimeout);
        subscribed.GetProperty("subscription").GetString().Should().Be(id);

        var listed = await a.Http.GetFromJsonAsync<JsonElement>($"/api/subscriptions?connectionId={Uri.EscapeDataString(onB.ConnectionId)}");
        var subscriptions = listed.GetProperty("subscriptions").EnumerateArray().ToList();
        subscriptions.Select(s => (s.GetProperty("channel").GetString(), s.GetProperty("server").GetBoolean()))
            .Should().BeEquivalentTo([(marker, false), (channel, true)]);

        await using var publisher = await a.ConnectAsync("user=server-sub-publisher");
        await publisher.PublishAsync(channel, Keep(false));
        await publisher.PublishAsync(channel, Keep(true));
        var delivered = (await onB.MessagesAsync(channel, 1, DeliveryTimeout)).Single();
        delivered.Offset().Should().Be(2, "the filter passes only 'keep': true, published through gateway A");

        using var deleted = await a.Http.DeleteAsync(new Uri($"/api/subscriptions/{id}", UriKind.Relative));
        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent, "gateway A removes a subscription of a connection on gateway B");
        (await onB.NextOfTypeAsync("unsubscribed", DeliveryTimeout)).GetProperty("subscription").GetString().Should().Be(id);

        // Published in this order: a subscription still delivering would bring offset 3 before the marker.
        await publisher.PublishAsync(channel, Keep(true));
        await publisher.PublishAsync(marker, Keep(true));
        var next = await onB.NextOfTypeAsync("message", DeliveryTimeout);
        next.GetProperty("channel").GetString().Should().Be(marker, "nothing of the removed subscription reaches the client");

        using var again = await a.Http.DeleteAsync(new Uri($"/api/subscriptions/{id}", UriKind.Relative));
        again.StatusCode.Should().Be(HttpStatusCode.NotFound);
    });

    private static System.Text.Json.Nodes.JsonObject Keep(bool keep) => new() { ["keep"] = keep };
}
