namespace OrleansRealtime.Gateway.Admin;

/// <summary>The admin surface's credentials and switches, bound from <c>Realtime:Admin</c>.</summary>
public sealed class AdminOptions
{
    public const string Section = "Realtime:Admin";

    /// <summary>The value an admin request carries in <c>X-API-Key</c>; unset: no request is admin by key.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Whether <c>GET /metrics</c> requires admin rights (it is open by default, like Prometheus targets).</summary>
    public bool ProtectMetrics { get; set; }
}
