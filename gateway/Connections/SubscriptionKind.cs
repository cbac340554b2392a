namespace OrleansRealtime.Gateway.Connections;

/// <summary>What a subscription follows.</summary>
internal enum SubscriptionKind
{
    Channel,
    Pattern,
}
