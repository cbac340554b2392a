namespace OrleansRealtime.Gateways;

/// <summary>
/// What the cluster can ask of one gateway about its own connections. Each gateway creates one as an Orleans object
/// reference and hands it to the <see cref="IGatewayDirectoryGrain"/> with every lease renewal.
/// </summary>
[Alias("rt.IGatewayObserver")]
public interface IGatewayObserver : IGrainObserver
{
    /// <summary>Up to <paramref name="limit"/> of this gateway's connections with an id ordinally after <paramref name="after"/>, ordered by id.</summary>
    [Alias("list-connections")]
    Task<IReadOnlyList<ConnectionSummary>> ListConnectionsAsync(string? after, int limit);

    /// <summary>This gateway's connection with this id, or null.</summary>
    [Alias("get-connection")]
    Task<ConnectionSummary?> GetConnectionAsync(string connectionId);

    /// <summary>Closes this gateway's connection with this id (<c>closed_by_admin</c>); answers it as it was, or null when it has none.</summary>
    [Alias("close-connection")]
    Task<ConnectionSummary?> CloseConnectionAsync(string connectionId);

    /// <summary>Subscribes this gateway's connection as the server (see <see cref="SubscriptionRequest"/>); null when it has no such connection.</summary>
    [Alias("subscribe")]
    Task<SubscriptionAnswer?> SubscribeAsync(string connectionId, SubscriptionRequest request);

    /// <summary>Every subscription of this gateway's connection, client-made and server-made; null when it has no such connection.</summary>
    [Alias("list-subscriptions")]
    Task<SubscriptionAnswer?> ListSubscriptionsAsync(string connectionId);

    /// <summary>Removes one subscription of this gateway's connection (its client is told); null when it has no such connection.</summary>
    [Alias("unsubscribe")]
    Task<SubscriptionAnswer?> UnsubscribeAsync(string connectionId, string subscriptionId);
}
