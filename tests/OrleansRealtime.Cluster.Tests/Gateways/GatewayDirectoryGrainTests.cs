using OrleansRealtime.Cluster.Tests.Infrastructure;
using OrleansRealtime.Gateways;

namespace OrleansRealtime.Cluster.Tests.Gateways;

/// <summary>
/// The gateway directory: leases on the fixture's fake realtime clock, and commands that reach the gateway holding a
/// connection through its observer. Each test starts from an empty directory.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class GatewayDirectoryGrainTests(MemoryChannelClusterFixture fixture) : IClassFixture<MemoryChannelClusterFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(ChannelClusterFixture.GatewayLeaseSeconds);
    private readonly List<IGatewayObserver> _references = [];

    // Orleans holds observed objects weakly: the test keeps them alive.
    private readonly List<FakeGateway> _gateways = [];

    private IGatewayDirectoryGrain Directory => fixture.Client.GetGrain<IGatewayDirectoryGrain>(0);

    public async Task InitializeAsync()
    {
        foreach (var entry in await Directory.ListAsync())
            await Directory.LeaveAsync(entry.Registration.GatewayId);
    }

    public Task DisposeAsync()
    {
        foreach (var reference in _references)
            fixture.Client.DeleteObjectReference<IGatewayObserver>(reference);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ARenewedGatewayIsListedWithItsLoadUntilItsLeaseLapses()
    {
        var a = new FakeGateway("gw-a");
        var b = new FakeGateway("gw-b");
        (await RenewAsync(a, websockets: 3)).Should().Be(Lease, "the directory answers the lease the gateway must renew within");
        var renewedAt = fixture.Clock.GetUtcNow();

        var listed = (await Directory.ListAsync()).Should().ContainSingle().Subject;
        listed.Registration.Should().BeEquivalentTo(a.Registration(websockets: 3));
        listed.RenewedAt.Should().Be(renewedAt);
        listed.ExpiresAt.Should().Be(renewedAt + Lease);

        fixture.Clock.Advance(Lease - TimeSpan.FromSeconds(1));
        await RenewAsync(b);
        (await Directory.ListAsync()).Select(e => e.Registration.GatewayId).Should().Equal("gw-a", "gw-b");

        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        (await Directory.ListAsync()).Select(e => e.Registration.GatewayId).Should().Equal(["gw-b"], "gw-a's lease lapsed, gw-b's is current");
    }

    [Fact]
    public async Task ARenewalKeepsAGatewayPastItsFirstLease()
    {
        var a = new FakeGateway("gw-a");
        await RenewAsync(a, websockets: 1);
        fixture.Clock.Advance(Lease / 3);
        await RenewAsync(a, websockets: 7);
        fixture.Clock.Advance(Lease - TimeSpan.FromSeconds(1));

        var listed = (await Directory.ListAsync()).Should().ContainSingle().Subject;
        listed.Registration.Load.Connections["websocket"].Should().Be(7, "the load is the last renewal's");
    }

    [Fact]
    public async Task AGatewayThatLeavesIsGoneAtOnce()
    {
        await RenewAsync(new FakeGateway("gw-a"));
        await RenewAsync(new FakeGateway("gw-b"));

        await Directory.LeaveAsync("gw-a");

        (await Directory.ListAsync()).Select(e => e.Registration.GatewayId).Should().Equal("gw-b");
    }

    [Fact]
    public async Task ConnectionsOfAllGatewaysArePagedInIdOrder()
    {
        await RenewAsync(new FakeGateway("gw-a", "c-1", "c-4", "c-5"));
        await RenewAsync(new FakeGateway("gw-b", "c-2", "c-3", "c-6"));

        var first = await Directory.ListConnectionsAsync(after: null, limit: 4, exceptGatewayId: null);
        first.Connections.Select(c => (c.ConnectionId, c.GatewayId)).Should().Equal(
            ("c-1", "gw-a"), ("c-2", "gw-b"), ("c-3", "gw-b"), ("c-4", "gw-a"));
        first.Unreachable.Should().BeEmpty();

        var second = await Directory.ListConnectionsAsync(after: "c-4", limit: 4, exceptGatewayId: null);
        second.Connections.Select(c => c.ConnectionId).Should().Equal("c-5", "c-6");

        var others = await Directory.ListConnectionsAsync(after: null, limit: 10, exceptGatewayId: "gw-a");
        others.Connections.Select(c => c.ConnectionId).Should().Equal(["c-2", "c-3", "c-6"], "the caller lists its own connections itself");
    }

    [Fact]
    public async Task ALapsedGatewaysConnectionsAreNoLongerListed()
    {
        await RenewAsync(new FakeGateway("gw-a", "c-1"));
        fixture.Clock.Advance(Lease - TimeSpan.FromSeconds(1));
        await RenewAsync(new FakeGateway("gw-b", "c-2"));
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));

        var page = await Directory.ListConnectionsAsync(after: null, limit: 10, exceptGatewayId: null);

        page.Unreachable.Should().BeEmpty("the live fake gateway answers");
        page.Connections.Select(c => c.ConnectionId).Should().Equal("c-2");
    }

    [Fact]
    public async Task FindAndCloseReachTheGatewayHoldingTheConnection()
    {
        var a = new FakeGateway("gw-a", "c-1");
        var b = new FakeGateway("gw-b", "c-2");
        await RenewAsync(a);
        await RenewAsync(b);

        var expected = new ConnectionSummary("c-2", "user-c-2", "websocket", "gw-b", ["news"], 0, 0);
        (await Directory.FindConnectionAsync("c-2")).Should().BeEquivalentTo(new ConnectionLookup(expected, []));
        (await Directory.FindConnectionAsync("c-9")).Should().BeEquivalentTo(new ConnectionLookup(null, []));

        (await Directory.CloseConnectionAsync("c-2")).Connection.Should().BeEquivalentTo(expected);
        b.Closed.Should().Equal("c-2");
        a.Closed.Should().BeEmpty();

        (await Directory.CloseConnectionAsync("c-2")).Connection.Should().BeNull("the connection is gone");
        (await Directory.FindConnectionAsync("c-2")).Connection.Should().BeNull();
    }

    [Fact]
    public async Task SubscriptionCommandsReachTheGatewayHoldingTheConnectionWithItsAnswer()
    {
        var a = new FakeGateway("gw-a", "c-1");
        var b = new FakeGateway("gw-b", "c-2");
        await RenewAsync(a);
        await RenewAsync(b);

        var request = new SubscriptionRequest("news", Pattern: null, Filter: "{\"type\":\"x\"}", new SubscriptionSince(4, "e1"));
        var created = (await Directory.SubscribeAsync("c-2", request)).Answer!.Subscriptions.Should().ContainSingle().Subject;
        created.GatewayId.Should().Be("gw-b");
        created.Filter.Should().Be("{\"type\":\"x\"}", "the request crosses the cluster whole");
        a.Subscriptions.Should().BeEmpty();

        (await Directory.ListSubscriptionsAsync("c-2")).Answer!.Subscriptions.Should().Equal(created);
        (await Directory.UnsubscribeAsync("c-2", created.Id)).Answer!.Subscriptions.Should().Equal(created);

        var refused = (await Directory.UnsubscribeAsync("c-2", created.Id)).Answer!;
        (refused.Code, refused.Subscriptions.Count).Should().Be(("not_found", 0), "the holder's refusal comes back as its answer");
        (await Directory.SubscribeAsync("c-9", request)).Should().BeEquivalentTo(new SubscriptionLookup(null, []), "no gateway holds c-9");
    }

    [Fact]
    public async Task AGatewayThatDoesNotAnswerIsReportedUnreachableWhileOthersAnswer()
    {
        var stalled = new FakeGateway("gw-stalled", "c-1") { Stalled = new TaskCompletionSource() };
        await RenewAsync(stalled);
        await RenewAsync(new FakeGateway("gw-b", "c-2"));

        try
        {
            var page = await Directory.ListConnectionsAsync(after: null, limit: 10, exceptGatewayId: null);
            page.Connections.Select(c => c.ConnectionId).Should().Equal("c-2");
            page.Unreachable.Should().Equal("gw-stalled");

            (await Directory.FindConnectionAsync("c-2")).Connection.Should().NotBeNull("one silent gateway does not hide the others'");
            var missing = await Directory.CloseConnectionAsync("c-9");
            missing.Connection.Should().BeNull();
            missing.Unreachable.Should().Equal(["gw-stalled"], "the silent gateway might hold it, so 'not found' is not certain");
        }
        finally
        {
            stalled.Stalled.SetResult();
        }
    }

    private async Task<TimeSpan> RenewAsync(FakeGateway gateway, long websockets = 0)
    {
        _gateways.Add(gateway);
        var reference = fixture.Client.CreateObjectReference<IGatewayObserver>(gateway);
        _references.Add(reference);
        return await Directory.RenewAsync(gateway.Registration(websockets), reference);
    }
}
