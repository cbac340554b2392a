namespace OrleansRealtime.EndToEnd.Tests.Infrastructure;

/// <summary>How the silo and gateway processes find each other (<c>Orleans:Clustering</c>).</summary>
public enum Clustering
{
    /// <summary>One silo; gateways connect to its gateway port on loopback.</summary>
    Localhost,

    /// <summary>Membership in Redis: any number of silos, gateways find them through the membership table.</summary>
    Redis,
}
