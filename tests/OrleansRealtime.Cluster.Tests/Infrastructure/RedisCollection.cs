using OrleansRealtime.Testing;

namespace OrleansRealtime.Cluster.Tests.Infrastructure;

/// <summary>Test classes in this collection share one Redis server and run one after another.</summary>
[CollectionDefinition(RedisFixture.Collection)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>;
