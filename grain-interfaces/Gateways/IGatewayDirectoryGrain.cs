using Orleans.Concurrency;

namespace OrleansRealtime.Gateways;

/// <summary>
/// The cluster's live gateways and the way to reach their connections. Every gateway renews a lease here
/// periodically with its load and its <see cref="IGatewayObserver"/>; a gateway whose lease lapsed is dead and
/// dropped. Held in memory only: if this grain moves, the next renewal of each gateway rebuilds it.
/// Key: always 0.
/// </summary>
[Alias("rt.IGatewayDirectoryGrain")]
public interface IGatewayDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Registers or renews a gateway with its current load and observer; answers the lease, which the gateway renews
    /// well within (observer references must be refreshed anyway, so a renewal always carries the observer).
    /// </summary>
    [Alias("renew")]
    ValueTask<TimeSpan> RenewAsync(GatewayRegistration registration, IGatewayObserver observer);

    /// <summary>A gateway that shuts down leaves at once instead of waiting for its lease to lapse.</summary>
    [Alias("leave")]
    ValueTask LeaveAsync(string gatewayId);

    /// <summary>The gateways whose lease is current, ordered by id.</summary>
    [Alias("list"), AlwaysInterleave]
    ValueTask<IReadOnlyList<GatewayEntry>> ListAsync();

    /// <summary>
    /// Up to <paramref name="limit"/> connections with an id ordinally after <paramref name="after"/>, over every live
    /// gateway except <paramref name="exceptGatewayId"/> (the caller, which lists its own), ordered by id.
    /// </summary>
    [Alias("list-connections"), AlwaysInterleave]
    ValueTask<ConnectionPage> ListConnectionsAsync(string? after, int limit, string? exceptGatewayId);

    /// <summary>The connection with this id on whichever live gateway holds it.</summary>
    [Alias("find-connection"), AlwaysInterleave]
    ValueTask<ConnectionLookup> FindConnectionAsync(string connectionId);

    /// <summary>Closes the connection with this id (<c>closed_by_admin</c>) on whichever live gateway holds it.</summary>
    [Alias("close-connection"), AlwaysInterleave]
    ValueTask<ConnectionLookup> CloseConnectionAsync(string connectionId);

    /// <summary>Subscribes the connection with this id, as the server, on whichever live gateway holds it.</summary>
    [Alias("subscribe"), AlwaysInterleave]
    ValueTask<SubscriptionLookup> SubscribeAsync(string connectionId, SubscriptionRequest request);

    /// <summary>The subscriptions of the connection with this id on whichever live gateway holds it.</summary>
    [Alias("list-subscriptions"), AlwaysInterleave]
    ValueTask<SubscriptionLookup> ListSubscriptionsAsync(string connectionId);

    /// <summary>Removes a subscription of the connection with this id on whichever live gateway holds it.</summary>
    [Alias("unsubscribe"), AlwaysInterleave]
    ValueTask<SubscriptionLookup> UnsubscribeAsync(string connectionId, string subscriptionId);
}
